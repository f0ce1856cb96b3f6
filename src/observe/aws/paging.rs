//! Marker-based pagination as IAM does it: keep asking while `IsTruncated` is true, whatever the
//! size of the page (a short page is not the end), and stop on a repeated or missing marker rather
//! than loop forever against a misbehaving endpoint.

use std::future::Future;

/// One page: its items, whether more remain, and the marker to ask for them.
pub struct Page<T> {
    pub items: Vec<T>,
    pub truncated: bool,
    pub marker: Option<String>,
}

/// The most pages one listing may take: a real account's authorization details are a few pages.
pub const MAX_PAGES: usize = 1000;

/// Fetches every page, starting without a marker.
pub async fn all<T, E, F, Fut>(mut fetch: F) -> Result<Vec<T>, PagingError<E>>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<Page<T>, E>>,
{
    let mut items = Vec::new();
    let mut marker: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let page = fetch(marker.clone()).await.map_err(PagingError::Fetch)?;
        items.extend(page.items);
        if !page.truncated {
            return Ok(items);
        }
        match page.marker {
            Some(next) if Some(&next) != marker.as_ref() => marker = Some(next),
            _ => return Err(PagingError::BadMarker),
        }
    }
    Err(PagingError::TooManyPages)
}

/// Why a listing could not be completed.
#[derive(Debug)]
pub enum PagingError<E> {
    Fetch(E),
    /// `IsTruncated` without a new marker: the endpoint would make us loop.
    BadMarker,
    TooManyPages,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run<T>(future: impl Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(future)
    }

    #[test]
    fn short_truncated_pages_are_not_the_end() {
        // Pages of 2, 0 and 1 items: the empty middle page still says more remain.
        let pages = [
            (vec![1, 2], true, Some("a")),
            (vec![], true, Some("b")),
            (vec![3], false, None),
        ];
        let mut asked = Vec::new();
        let items = run(all(|marker: Option<String>| {
            asked.push(marker.clone());
            let index = match marker.as_deref() {
                None => 0,
                Some("a") => 1,
                Some(_) => 2,
            };
            let (items, truncated, next) = pages[index].clone();
            async move {
                Ok::<_, ()>(Page {
                    items,
                    truncated,
                    marker: next.map(str::to_owned),
                })
            }
        }))
        .unwrap();
        assert_eq!(items, [1, 2, 3]);
        assert_eq!(asked, [None, Some("a".into()), Some("b".into())]);
    }

    #[test]
    fn a_repeated_marker_stops_instead_of_looping() {
        let result = run(all(|_| async {
            Ok::<_, ()>(Page {
                items: vec![0],
                truncated: true,
                marker: Some("same".into()),
            })
        }));
        assert!(matches!(result, Err(PagingError::BadMarker)));
        let missing = run(all(|_| async {
            Ok::<_, ()>(Page::<u8> {
                items: vec![],
                truncated: true,
                marker: None,
            })
        }));
        assert!(matches!(missing, Err(PagingError::BadMarker)));
    }

    #[test]
    fn errors_pass_through() {
        let result = run(all(|_| async { Err::<Page<u8>, _>("throttled") }));
        assert!(matches!(result, Err(PagingError::Fetch("throttled"))));
    }
}

// Parses every mermaid block of a markdown document from stdin with mermaid's own parser (the
// `mermaid` package, as GitHub and editors render the diagrams) and prints what it made of them,
// as JSON: {"blocks": N, "errors": [{"block": i, "error": "..."}], "tasks": [[...], ...]}. A
// rejected block is an entry in `errors` (exit 0, so the Rust test can show it); only a mermaid
// that cannot load exits 1. `mermaid.parse` checks the grammar only; a gantt chart's tasks are
// also laid out as mermaid does before drawing (its dates read, an invalid one is an error), and
// `tasks` lists each block's tasks as `{section, task, id, milestone}` (empty for other diagrams),
// so a test can tell that a hostile name stayed one task's name.
//
// Used by the Rust tests (tests/integration/mermaid.rs); needs
// `npm ci --prefix tests/consumers` (scripts/test runs it when node_modules/mermaid is missing).
// mermaid sanitises with DOMPurify, which needs a DOM: jsdom provides one, no browser.

import { readFileSync } from "node:fs";

/** The bodies of the ```mermaid fenced blocks (CommonMark fences: up to 3 spaces of indent,
 * three or more backticks, closed by a backtick fence at least as long). */
function mermaidBlocks(text) {
  const blocks = [];
  let open = null;
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (open === null) {
      const start = /^ {0,3}(`{3,})\s*mermaid\s*$/.exec(line);
      if (start) open = { fence: start[1].length, lines: [] };
      continue;
    }
    const end = /^ {0,3}(`{3,})\s*$/.exec(line);
    if (end && end[1].length >= open.fence) {
      blocks.push(open.lines.join("\n"));
      open = null;
    } else {
      open.lines.push(line);
    }
  }
  if (open !== null) blocks.push(open.lines.join("\n")); // an unclosed fence runs to the end
  return blocks;
}

let mermaid;
try {
  const { JSDOM } = await import("jsdom");
  const { window } = new JSDOM("<!doctype html><html><body></body></html>");
  globalThis.window = window;
  globalThis.document = window.document;
  globalThis.DOMParser = window.DOMParser;
  globalThis.Element = window.Element;
  globalThis.HTMLElement = window.HTMLElement;
  mermaid = (await import("mermaid")).default;
  mermaid.initialize({ startOnLoad: false, logLevel: "fatal" });
} catch (error) {
  console.error(`mermaid could not load: ${error?.stack ?? error}`);
  process.exit(1);
}

const blocks = mermaidBlocks(readFileSync(0, "utf8"));
const errors = [];
const tasks = [];
for (const [i, block] of blocks.entries()) {
  let listed = [];
  try {
    const { diagramType } = await mermaid.parse(block);
    if (diagramType === "gantt") {
      const diagram = await mermaid.mermaidAPI.getDiagramFromText(block);
      listed = diagram.db.getTasks().map((t) => ({
        section: t.section,
        task: t.task.trim(),
        id: t.id,
        milestone: Boolean(t.milestone),
      }));
    }
  } catch (error) {
    errors.push({ block: i, error: String(error?.message ?? error) });
  }
  tasks.push(listed);
}
process.stdout.write(`${JSON.stringify({ blocks: blocks.length, errors, tasks })}\n`);

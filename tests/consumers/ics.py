"""Parses an iCalendar document from stdin with the `icalendar` package and prints its events as
JSON: UID, SUMMARY, DESCRIPTION, TRANSP, start date and each alarm's action, trigger and
description, as a calendar application would read them.

Used by the Rust tests (tests/integration/escaping.rs); needs `pip install icalendar`.
"""

import json
import sys

import icalendar

calendar = icalendar.Calendar.from_ical(sys.stdin.buffer.read())
events = []
for event in calendar.walk("VEVENT"):
    alarms = []
    for alarm in event.walk("VALARM"):
        trigger = alarm.get("TRIGGER")
        alarms.append({
            "action": str(alarm.get("ACTION")),
            "trigger": str(trigger.dt) if trigger is not None else None,
            "description": str(alarm.get("DESCRIPTION")),
        })
    events.append({
        "uid": str(event.get("UID")),
        "summary": str(event.get("SUMMARY")),
        "description": str(event.get("DESCRIPTION")),
        "transp": str(event.get("TRANSP")),
        "start": str(event.decoded("DTSTART")),
        "alarms": alarms,
    })
print(json.dumps({"calendars": 1, "events": events}))

// Parse an .ics file with ical.js (Thunderbird's parser) and print its events as JSON:
// [[uid, summary, status, start, end], ...], one row per occurrence. Timed values are UTC ISO
// instants, all-day values YYYY-MM-DD dates. With --cn, print [[uid, the ORGANIZER's CN], ...]
// instead.
//
// TZID times resolve only through the file's own VTIMEZONE blocks: ical.js's built-in UTC and
// GMT entries are removed first, and a TZID without a VTIMEZONE, a floating time or a TZID
// resolved anywhere else is an error (exit status 1), so this tests the VTIMEZONEs we write.
//
// Usage: node tests/feeds/icaljs_dump.mjs [--cn] feed.ics

import { readFileSync } from "node:fs";

import ICAL from "ical.js";

function fail(message) {
  process.stderr.write(`icaljs_dump: ${message}\n`);
  process.exit(1);
}

function checkZone(property, time) {
  if (time.isDate) return;
  const tzid = property.getParameter("tzid");
  const value = property.toICALString();
  if (tzid === undefined || tzid === null) {
    if (time.zone !== ICAL.Timezone.utcTimezone) fail(`floating time: ${value}`);
    return;
  }
  if (value.trimEnd().endsWith("Z")) fail(`TZID on a UTC value: ${value}`);
  const zone = time.zone;
  if (!zone || zone === ICAL.Timezone.localTimezone || zone === ICAL.Timezone.utcTimezone) {
    fail(`unresolved TZID ${tzid}: ${value}`);
  }
  if (zone.tzid !== tzid || !zone.component || zone.component.name !== "vtimezone") {
    fail(`TZID ${tzid} did not resolve through the file's VTIMEZONE: ${value}`);
  }
}

function stamp(time) {
  if (time.isDate) return time.toString(); // YYYY-MM-DD
  return new Date(time.toUnixTime() * 1000).toISOString().replace(".000Z", "Z");
}

const args = process.argv.slice(2);
const cn = args[0] === "--cn";
const path = cn ? args[1] : args[0];
if (!path) fail("usage: icaljs_dump.mjs [--cn] FILE.ics");

let root;
try {
  root = new ICAL.Component(ICAL.parse(readFileSync(path, "utf8")));
} catch (error) {
  fail(`parse error: ${error.message}`);
}
if (root.name !== "vcalendar") fail(`top component is ${root.name}, not vcalendar`);

ICAL.TimezoneService.reset();
for (const name of ["UTC", "GMT", "Z"]) ICAL.TimezoneService.remove(name);
const seen = new Set();
for (const vtimezone of root.getAllSubcomponents("vtimezone")) {
  const tzid = vtimezone.getFirstPropertyValue("tzid");
  if (seen.has(tzid)) fail(`two VTIMEZONEs for ${tzid}`);
  seen.add(tzid);
  ICAL.TimezoneService.register(vtimezone);
}

const rows = [];
for (const vevent of root.getAllSubcomponents("vevent")) {
  const event = new ICAL.Event(vevent);
  const dtstart = vevent.getFirstProperty("dtstart");
  const dtend = vevent.getFirstProperty("dtend");
  if (!dtstart || !dtend) fail(`event ${event.uid} lacks DTSTART or DTEND`);
  checkZone(dtstart, event.startDate);
  checkZone(dtend, event.endDate);
  const status = vevent.getFirstPropertyValue("status");
  if (cn) {
    const organizer = vevent.getFirstProperty("organizer");
    rows.push([event.uid, organizer ? organizer.getParameter("cn") : null]);
  } else if (event.isRecurring()) {
    const expand = event.iterator();
    for (let next = expand.next(), n = 0; next && n < 1000; next = expand.next(), n++) {
      const details = event.getOccurrenceDetails(next);
      rows.push([event.uid, event.summary, status, stamp(details.startDate), stamp(details.endDate)]);
    }
  } else {
    rows.push([event.uid, event.summary, status, stamp(event.startDate), stamp(event.endDate)]);
  }
}
process.stdout.write(JSON.stringify(rows));

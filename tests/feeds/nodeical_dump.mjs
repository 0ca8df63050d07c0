// Parse an .ics file with node-ical (the parser of MagicMirror and many Node calendar tools) and
// print its events as JSON, like icaljs_dump.mjs: [[uid, summary, status, start, end], ...].
// Timed values are UTC ISO instants, all-day values YYYY-MM-DD dates. With --cn, print
// [[uid, the ORGANIZER's CN], ...] instead.
//
// Anything node-ical writes to the console, an event it drops (fewer VEVENTs than the file has),
// an event without DTSTART or DTEND, or a floating time is an error (exit status 1).
//
// Usage: node tests/feeds/nodeical_dump.mjs [--cn] feed.ics

import { readFileSync } from "node:fs";

import ical from "node-ical";

function fail(message) {
  process.stderr.write(`nodeical_dump: ${message}\n`);
  process.exit(1);
}

// node-ical reports what it cannot read on the console and carries on: make that an error.
for (const name of ["log", "info", "warn", "error", "debug"]) {
  console[name] = (...args) => fail(`node-ical said: ${args.join(" ")}`);
}

const args = process.argv.slice(2);
const cn = args[0] === "--cn";
const path = cn ? args[1] : args[0];
if (!path) fail("usage: nodeical_dump.mjs [--cn] FILE.ics");

const text = readFileSync(path, "utf8");
let data;
try {
  data = ical.sync.parseICS(text);
} catch (error) {
  fail(`parse error: ${error.message}`);
}

function value(property) {
  // A property with parameters comes as {params, val}.
  return property !== null && typeof property === "object" && "val" in property ? property.val : property;
}

function stamp(date, event) {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) fail(`event ${event.uid}: no valid time`);
  if (date.dateOnly || event.datetype === "date") {
    // node-ical puts a DATE at local midnight.
    const pad = (n) => String(n).padStart(2, "0");
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  }
  if (!date.tz) fail(`event ${event.uid}: floating time ${date.toISOString()}`);
  return date.toISOString().replace(".000Z", "Z");
}

const events = Object.values(data).filter((component) => component.type === "VEVENT");
const declared = (text.match(/^BEGIN:VEVENT\r?$/gm) || []).length;
if (events.length !== declared) fail(`read ${events.length} of the file's ${declared} VEVENTs`);

const rows = [];
for (const event of events) {
  if (!event.start || !event.end) fail(`event ${event.uid} lacks DTSTART or DTEND`);
  if (cn) {
    const organizer = event.organizer;
    rows.push([event.uid, organizer && organizer.params ? organizer.params.CN : null]);
  } else {
    rows.push([event.uid, value(event.summary), value(event.status), stamp(event.start, event), stamp(event.end, event)]);
  }
}
process.stdout.write(JSON.stringify(rows));

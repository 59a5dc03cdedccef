import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { localCloseRange, weekdaysField } from '../../src/calendar/cron-time.ts';
import { cronLines, schedule } from '../../src/commands/cron.ts';

const predictLine = (timeZone: string) => schedule(timeZone, 2026)[1];

test('cron: Tokyo has no summer time, so 16:30 New York is 05:30 or 06:30 the next day: 06:30 Tue–Sat', () => {
  const range = localCloseRange('Asia/Tokyo', 2026);
  assert.deepEqual(range.earliest, { dayShift: 1, hour: 5, minute: 30 });
  assert.deepEqual(range.latest, { dayShift: 1, hour: 6, minute: 30 });
  const line = predictLine('Asia/Tokyo');
  assert.equal(line.when, '30 6 * * 2-6');
  assert.match(line.why, /Tue–Sat: 16:30 New York .* is 06:30 here \(Asia\/Tokyo\), or 05:30/);
});

test('cron: Berlin is 22:30 Monday to Friday, 21:30 in the weeks the clocks change apart', () => {
  const range = localCloseRange('Europe/Berlin', 2026);
  assert.deepEqual(range.latest, { dayShift: 0, hour: 22, minute: 30 });
  assert.deepEqual(range.earliest, { dayShift: 0, hour: 21, minute: 30 });
  assert.equal(predictLine('Europe/Berlin').when, '30 22 * * 1-5');
});

test('cron: New York itself, and a zone where the close crosses midnight in winter only', () => {
  assert.equal(predictLine('America/New_York').when, '30 16 * * 1-5');
  // Moscow (UTC+3 all year): 23:30 in New York's summer, 00:30 the next day in its winter.
  assert.equal(predictLine('Europe/Moscow').when, '30 0 * * 2-6');
  assert.deepEqual(weekdaysField(-1), { field: '0-4', names: 'Sun–Thu' });
  assert.deepEqual(weekdaysField(3), { field: '4,5,6,0,1', names: 'Thu, Fri, Sat, Sun, Mon' });
});

test('mlx cron under TZ=Asia/Tokyo and TZ=Europe/Berlin: the machine’s zone, from Intl', () => {
  // The process's own zone is fixed at start: a child with TZ set shows what a user's machine does.
  const script = `import('${new URL('../../src/commands/cron.ts', import.meta.url).href}').then((m) => {
    const c = m.cronLines({ node: '/n', mlx: '/m', home: '/h', log: null }, { timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone, year: 2026 });
    process.stdout.write(JSON.stringify({ zone: c.time_zone, predict: c.entries[1].schedule, text: c.crontab }));
  })`;
  for (const [tz, when] of [
    ['Asia/Tokyo', /^30 6 \* \* 2-6$/],
    ['Europe/Berlin', /^30 22 \* \* 1-5$/],
  ] as const) {
    const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], {
      env: { ...process.env, TZ: tz },
      encoding: 'utf8',
    });
    assert.equal(run.status, 0, run.stderr);
    const out = JSON.parse(run.stdout) as { zone: string; predict: string; text: string };
    assert.equal(out.zone, tz);
    assert.match(out.predict, when);
    assert.match(out.text, new RegExp(`here \\(${tz.replace('/', '\\/')}\\)`));
  }
  assert.ok(cronLines);
});

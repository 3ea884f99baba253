// Every clock explains itself: GET /tickets/{number}/lights tells, per level, when the clock
// started, paused, resumed, turned amber and red, went back and stopped, each with the timeline
// entry that caused it; replaying the timeline alone gives exactly the stored due instants, and
// `portalctl lights verify` finds any difference. A tenant of its own counts around the clock in
// UTC, so a ticket moved back in time (its events and its lights by the same interval) is the
// same ticket, only older.

import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { request, loginFull, uniqueTag, assertProblem, etagOf, applyTenant, dbEnv } from './lib.mjs';

const CTL = process.env.PORTALCTL_BIN || 'build/portalctl';
const PASS = 'Clock-Pass-123';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function sql(statement) {
	const env = dbEnv();
	return execFileSync('mariadb', ['--socket', env.PORTAL_DB_SOCKET, '-u', 'portal', `-p${env.PORTAL_DB_PASSWORD}`,
		'-N', '-B', 'portal', '-e', statement], { encoding: 'utf8' }).trim();
}

const around = { time_zone: 'UTC', week: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '24:00']]])) };
// minutes: 60/120 per level for every priority, except urgent response 5/10
const thresholds = [];
for (const priority of ['low', 'normal', 'high', 'urgent'])
	for (const level of [1, 2, 3])
		thresholds.push({ priority, level, amber_minutes: priority === 'urgent' && level === 1 ? 5 : 60,
			red_minutes: priority === 'urgent' && level === 1 ? 10 : 120 });

function newTenant() {
	const slug = uniqueTag('k').toLowerCase().slice(0, 24);
	applyTenant({
		slug, name: 'Clockwork', time_zone: 'UTC', domains: [],
		branding: { product_name: 'Clockwork Help', issue_word: 'ticket', primary_color: '#334155', accent_color: '#f8fafc', logo: 'logo.svg' },
		settings: { customers_see_company: false }, companies: ['Gears'], default_password: PASS,
		users: [
			{ email: 'admin@clock.example', name: 'Cleo Admin', role: 'admin' },
			{ email: 'agent@clock.example', name: 'Cole Agent', role: 'agent' },
			{ email: 'cust@gears.example', name: 'Gus Customer', role: 'customer', company: 'Gears' },
		],
	});
	return slug;
}

const slug = newTenant();
let admin, agent, customer, customerId, tenantId;

test.before(async () => {
	admin = (await loginFull(slug, 'admin@clock.example', PASS)).token;
	agent = (await loginFull(slug, 'agent@clock.example', PASS)).token;
	const c = await loginFull(slug, 'cust@gears.example', PASS);
	customer = c.token;
	customerId = c.user.id;
	const put = await request(slug, 'PUT', '/api/v1/admin/lights', { token: admin, body: { calendar: around, thresholds } });
	assert.equal(put.status, 200, put.text);
	tenantId = Number(sql(`SELECT id FROM tenants WHERE slug = '${slug}'`));
	// The recomputation the settings change asked for is done before any ticket of this file exists.
	for (let i = 0; i < 100 && sql(`SELECT lights_version = lights_done_version FROM tenants WHERE id = ${tenantId}`) !== '1'; i++) await sleep(100);
});

async function create(priority = 'normal') {
	const res = await request(slug, 'POST', '/api/v1/tickets', { token: agent, body: { subject: `${uniqueTag('K')} clocks`, customer_id: customerId, priority } });
	assert.equal(res.status, 201, res.text);
	return res.json;
}
async function lightsOf(number, token = agent) {
	const res = await request(slug, 'GET', `/api/v1/tickets/${number}/lights`, { token });
	assert.equal(res.status, 200, res.text);
	return res.json;
}
async function timelineOf(number) {
	return (await request(slug, 'GET', `/api/v1/tickets/${number}/timeline`, { token: agent })).json.data;
}
async function step(fn) {
	// Whole seconds apart, so a cycle restarted by the next step starts at a later instant.
	await sleep(1100);
	const res = await fn();
	assert.ok(res.status === 200 || res.status === 201, res.text);
	return res.json;
}
const note = (number, token, body, visibility) => request(slug, 'POST', `/api/v1/tickets/${number}/notes`, { token, body: visibility ? { body, visibility } : { body } });
const move = (number, to) => request(slug, 'POST', `/api/v1/tickets/${number}/transitions`, { token: agent, body: { to } });
const secs = (iso) => Date.parse(iso) / 1000;
const iso = (s) => new Date(s * 1000).toISOString().replace('.000Z', 'Z');

// [what, event kind, event index in the timeline] for one level's history.
function story(history, events) {
	return history.map((h) => {
		const i = events.findIndex((e) => e.id === h.event.id);
		assert.ok(i >= 0, `the event ${h.event.id} is on the timeline`);
		assert.equal(h.event.kind, events[i].kind);
		return [h.what, h.event.kind, i];
	});
}

test('a ticket\'s life: every start, pause, resume and stop with its event and instant; the replay matches', async () => {
	const t = await create();
	await step(() => note(t.number, agent, 'Looking into it.', 'public'));     // response stops, communication restarts
	await step(() => move(t.number, 'awaiting_update'));                      // communication restarts, paused: waiting on the customer
	await step(() => note(t.number, customer, 'Here is the photo.'));          // response starts, paused; the reply moves it back
	await step(() => move(t.number, 'deferred'));                             // everything pauses; communication restarts
	await step(() => move(t.number, 'in_progress'));                          // everything resumes; communication restarts
	const ask = await step(() => request(slug, 'POST', `/api/v1/tickets/${t.number}/supplier_requests`, { token: agent, body: { supplier: 'Parts Ltd', question: 'ETA?' } }));
	const ask2 = await step(() => request(slug, 'POST', `/api/v1/tickets/${t.number}/supplier_requests`, { token: agent, body: { supplier: 'Cables Inc', question: 'Stock?' } }));
	await step(() => request(slug, 'POST', `/api/v1/tickets/${t.number}/supplier_requests/${ask.id}/answer`, { token: agent }));
	await step(() => request(slug, 'POST', `/api/v1/tickets/${t.number}/supplier_requests/${ask2.id}/answer`, { token: agent }));
	const current = (await request(slug, 'GET', `/api/v1/tickets/${t.number}`, { token: agent })).json;
	await step(() => request(slug, 'PATCH', `/api/v1/tickets/${t.number}`, { token: agent, headers: { 'if-match': etagOf(current.version) }, body: { priority: 'urgent' } }));

	const events = (await timelineOf(t.number)).filter((e) => e.kind !== 'rule_fired');
	assert.deepEqual(events.map((e) => e.kind), ['created', 'note_added', 'status_changed', 'note_added', 'status_changed', 'status_changed',
		'status_changed', 'supplier_asked', 'supplier_asked', 'supplier_answered', 'supplier_answered', 'updated']);
	const got = await lightsOf(t.number);
	assert.deepEqual(story(got.history.response, events), [
		['started', 'created', 0], ['stopped', 'note_added', 1],
		['started', 'note_added', 3], ['paused', 'note_added', 3], ['resumed', 'status_changed', 4],
		['paused', 'status_changed', 5], ['resumed', 'status_changed', 6],
	]);
	assert.deepEqual(story(got.history.supplier, events), [['started', 'supplier_asked', 7], ['stopped', 'supplier_answered', 10]]);
	assert.deepEqual(story(got.history.communication, events), [
		['started', 'created', 0], ['restarted', 'note_added', 1], ['restarted', 'status_changed', 2], ['paused', 'status_changed', 2],
		['resumed', 'status_changed', 4], ['restarted', 'status_changed', 5], ['paused', 'status_changed', 5], ['restarted', 'status_changed', 6],
	]);
	// Each entry's instant is its event's, to the second.
	for (const level of ['response', 'supplier', 'communication'])
		for (const h of got.history[level]) assert.equal(h.at, events.find((e) => e.id === h.event.id).created_at, `${level} ${h.what}`);
	// The stored lights are what the timeline says, exactly; and what the ticket itself shows.
	assert.deepEqual(got.replay, { complete: true, events: (await timelineOf(t.number)).length, consistent: true, mismatched: [], lights: got.lights });
	assert.deepEqual((await request(slug, 'GET', `/api/v1/tickets/${t.number}`, { token: agent })).json.lights, got.lights);
	// The paused time moved the response due instants: the urgent red is 10 minutes of running
	// time after the customer's message, plus the time the clock stood still.
	const runningSince = secs(events[6].created_at);
	const accrued = (secs(events[5].created_at) - secs(events[4].created_at));
	assert.equal(secs(got.lights.response.red_at), runningSince + 600 - accrued);
	assert.equal(secs(got.lights.response.amber_at), runningSince + 300 - accrued);
});

test('a ticket turned amber and red says so, with the event that set the instant and the sweeper\'s record; a lower priority sends it back', async () => {
	const t = await create('urgent');
	const id = sql(`SELECT id FROM tickets WHERE tenant_id = ${tenantId} AND number = ${t.number}`);
	// The ticket was raised 30 minutes ago: its timeline and its lights, by the same interval.
	sql(`UPDATE ticket_events SET created_at = created_at - INTERVAL 30 MINUTE WHERE tenant_id = ${tenantId} AND ticket_id = ${id};
		UPDATE ticket_lights SET cycle_started_at = cycle_started_at - INTERVAL 30 MINUTE, running_since = running_since - INTERVAL 30 MINUTE,
		amber_at = amber_at - INTERVAL 30 MINUTE, red_at = red_at - INTERVAL 30 MINUTE WHERE tenant_id = ${tenantId} AND ticket_id = ${id}`);
	const start = secs(t.created_at) - 1800;
	let got;
	for (let i = 0; i < 100; i++) {
		got = await lightsOf(t.number);
		if (got.history.response.filter((h) => h.recorded).length === 2) break;
		await sleep(200);
	}
	const events = await timelineOf(t.number);
	const created = events[0];
	const recorded = events.filter((e) => e.kind === 'light_changed');
	assert.deepEqual(recorded.map((e) => [e.data.level, e.data.colour]), [[1, 'amber'], [1, 'red']]);
	assert.deepEqual(got.history.response, [
		{ what: 'started', at: iso(start), event: { id: created.id, kind: 'created' } },
		{ what: 'amber', at: iso(start + 300), event: { id: created.id, kind: 'created' }, recorded: { id: recorded[0].id } },
		{ what: 'red', at: iso(start + 600), event: { id: created.id, kind: 'created' }, recorded: { id: recorded[1].id } },
	]);
	assert.equal(got.lights.response.colour, 'red');
	assert.equal(got.replay.consistent, true);

	// Normal priority: amber after 60 minutes, so 30 minutes in it is green again.
	const cur = (await request(slug, 'GET', `/api/v1/tickets/${t.number}`, { token: agent })).json;
	const patched = await request(slug, 'PATCH', `/api/v1/tickets/${t.number}`, { token: agent, headers: { 'if-match': etagOf(cur.version) }, body: { priority: 'normal' } });
	assert.equal(patched.status, 200, patched.text);
	const after = await lightsOf(t.number);
	const updated = (await timelineOf(t.number)).find((e) => e.kind === 'updated');
	assert.deepEqual(after.history.response.slice(3), [{ what: 'back_to_green', at: updated.created_at, event: { id: updated.id, kind: 'updated' } }]);
	assert.equal(after.lights.response.colour, 'green');
	assert.equal(after.lights.response.amber_at, iso(start + 3600));
	assert.equal(after.lights.response.red_at, iso(start + 7200));
	assert.deepEqual(after.replay.lights, after.lights);
	assert.equal(after.replay.consistent, true);
});

test('portalctl lights verify: no difference on a real history; a stored instant moved by one second is found', async () => {
	const t = await create('high');
	await step(() => note(t.number, agent, 'On it.', 'public'));
	const ok = spawnSync(CTL, ['lights', 'verify', slug], { env: dbEnv(), encoding: 'utf8' });
	assert.equal(ok.status, 0, ok.stdout + ok.stderr);
	const count = Number(sql(`SELECT COUNT(*) FROM tickets WHERE tenant_id = ${tenantId}`));
	assert.equal(ok.stdout.trim().split('\n').pop(), `${count} tickets checked, 0 mismatches, 0 not replayable`);

	sql(`UPDATE ticket_lights l JOIN tickets t ON t.id = l.ticket_id SET l.red_at = l.red_at + INTERVAL 1 SECOND
		WHERE l.tenant_id = ${tenantId} AND t.number = ${t.number} AND l.level = 3`);
	const bad = spawnSync(CTL, ['lights', 'verify', slug], { env: dbEnv(), encoding: 'utf8' });
	assert.equal(bad.status, 1, bad.stdout + bad.stderr);
	const lines = bad.stdout.trim().split('\n');
	assert.equal(lines[0], `#${t.number} communication: stored and replayed differ`);
	assert.equal(lines.pop(), `${count} tickets checked, 1 mismatches, 0 not replayable`);
	const got = await lightsOf(t.number);
	assert.equal(got.replay.consistent, false);
	assert.deepEqual(got.replay.mismatched, ['communication']);
	assert.equal(secs(got.lights.communication.red_at), secs(got.replay.lights.communication.red_at) + 1);
	// Put back, so the tenant verifies clean again.
	sql(`UPDATE ticket_lights l JOIN tickets t ON t.id = l.ticket_id SET l.red_at = l.red_at - INTERVAL 1 SECOND
		WHERE l.tenant_id = ${tenantId} AND t.number = ${t.number} AND l.level = 3`);
	assert.equal(spawnSync(CTL, ['lights', 'verify', slug], { env: dbEnv() }).status, 0);
});

test('new service levels move open clocks on their timelines, so the replay still arrives at the stored instants', async () => {
	const other = newTenant();
	const otherAdmin = (await loginFull(other, 'admin@clock.example', PASS)).token;
	const otherAgent = (await loginFull(other, 'agent@clock.example', PASS)).token;
	const otherCustomer = (await loginFull(other, 'cust@gears.example', PASS)).user.id;
	const otherId = Number(sql(`SELECT id FROM tenants WHERE slug = '${other}'`));
	const settle = async () => {
		for (let i = 0; i < 100 && sql(`SELECT lights_version = lights_done_version FROM tenants WHERE id = ${otherId}`) !== '1'; i++) await sleep(100);
		assert.equal(sql(`SELECT lights_version = lights_done_version FROM tenants WHERE id = ${otherId}`), '1');
	};
	assert.equal((await request(other, 'PUT', '/api/v1/admin/lights', { token: otherAdmin, body: { calendar: around, thresholds } })).status, 200);
	await settle();
	const t = (await request(other, 'POST', '/api/v1/tickets', { token: otherAgent, body: { subject: 'Rescheduled', customer_id: otherCustomer } })).json;
	await sleep(1100);
	const paused = await request(other, 'POST', `/api/v1/tickets/${t.number}/transitions`, { token: otherAgent, body: { to: 'deferred' } });
	assert.equal(paused.status, 200, paused.text);
	await sleep(1100);
	const resumed = await request(other, 'POST', `/api/v1/tickets/${t.number}/transitions`, { token: otherAgent, body: { to: 'in_progress' } });
	assert.equal(resumed.status, 200, resumed.text);
	// The ticket is 100 minutes older (its timeline and lights alike): amber (60 minutes) has
	// passed, red (120) has not.
	const ticketId = sql(`SELECT id FROM tickets WHERE tenant_id = ${otherId} AND number = ${t.number}`);
	sql(`UPDATE ticket_events SET created_at = created_at - INTERVAL 100 MINUTE WHERE tenant_id = ${otherId} AND ticket_id = ${ticketId};
		UPDATE ticket_lights SET cycle_started_at = cycle_started_at - INTERVAL 100 MINUTE, running_since = running_since - INTERVAL 100 MINUTE,
		amber_at = amber_at - INTERVAL 100 MINUTE, red_at = red_at - INTERVAL 100 MINUTE WHERE tenant_id = ${otherId} AND ticket_id = ${ticketId}`);
	// Normal response: amber after 30 minutes instead of 60, red after 45 instead of 120. Amber
	// passed under both keeps its instant; red now lies in the past.
	const tighter = thresholds.map((x) => (x.priority === 'normal' && x.level === 1 ? { ...x, amber_minutes: 30, red_minutes: 45 } : x));
	assert.equal((await request(other, 'PUT', '/api/v1/admin/lights', { token: otherAdmin, body: { calendar: around, thresholds: tighter } })).status, 200);
	await settle();
	const res = await request(other, 'GET', `/api/v1/tickets/${t.number}/lights`, { token: otherAgent });
	assert.equal(res.status, 200, res.text);
	const events = (await request(other, 'GET', `/api/v1/tickets/${t.number}/timeline`, { token: otherAgent })).json.data;
	const recomputed = events.filter((e) => e.kind === 'lights_recomputed');
	assert.equal(recomputed.length, 1, 'one entry for the one change that moved this ticket');
	assert.equal(recomputed[0].actor, null);
	const last = res.json.history.response[res.json.history.response.length - 1];
	assert.deepEqual(last, { what: 'rescheduled', at: recomputed[0].created_at, event: { id: recomputed[0].id, kind: 'lights_recomputed' } });
	// Paused for the time between the two moves: red is 45 running minutes after the start.
	const created = events.find((e) => e.kind === 'created');
	const [deferred, back] = events.filter((e) => e.kind === 'status_changed');
	const pause = secs(back.created_at) - secs(deferred.created_at);
	assert.equal(secs(res.json.lights.response.amber_at), secs(created.created_at) + 60 * 60 + pause);
	assert.equal(secs(res.json.lights.response.red_at), secs(created.created_at) + 45 * 60 + pause);
	assert.equal(res.json.lights.response.colour, 'red');
	assert.equal(res.json.replay.consistent, true);
	assert.deepEqual(res.json.replay.lights, res.json.lights);
	const verify = spawnSync(CTL, ['lights', 'verify', other], { env: dbEnv(), encoding: 'utf8' });
	assert.equal(verify.status, 0, verify.stdout + verify.stderr);
	assert.equal(verify.stdout.trim(), '1 tickets checked, 0 mismatches, 0 not replayable');
	// Saving the same settings again moves nothing, and records nothing.
	assert.equal((await request(other, 'PUT', '/api/v1/admin/lights', { token: otherAdmin, body: { calendar: around, thresholds: tighter } })).status, 200);
	await settle();
	const again = (await request(other, 'GET', `/api/v1/tickets/${t.number}/timeline`, { token: otherAgent })).json.data;
	assert.equal(again.filter((e) => e.kind === 'lights_recomputed').length, 1);
});

test('clock histories: staff only, and never another tenant\'s ticket', async () => {
	const t = await create();
	assertProblem(await request(slug, 'GET', `/api/v1/tickets/${t.number}/lights`, { token: customer }), 403, 'forbidden');
	assertProblem(await request(slug, 'GET', `/api/v1/tickets/${t.number}/lights`), 401, 'unauthorized');
	assertProblem(await request(slug, 'GET', '/api/v1/tickets/99999999/lights', { token: agent }), 404, 'not_found');
	// Another tenant with no tickets: this ticket's number is not found there.
	const other = newTenant();
	const otherAgent = (await loginFull(other, 'agent@clock.example', PASS)).token;
	assertProblem(await request(other, 'GET', `/api/v1/tickets/${t.number}/lights`, { token: otherAgent }), 404, 'not_found');
	// This tenant's token is not valid on the other's host.
	assertProblem(await request(other, 'GET', `/api/v1/tickets/${t.number}/lights`, { token: agent }), 401, 'unauthorized');
});

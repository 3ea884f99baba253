// Traffic lights through a ticket's life, on a tenant of its own that counts around the clock
// in UTC with small thresholds, so every due instant is plain arithmetic on the start time.
// A few steps move stored instants into the past directly in the database (a hand-built
// fixture), because the real thresholds are minutes long.

import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request, loginFull, uniqueTag, assertProblem, etagOf, applyTenant } from './lib.mjs';

const VAR = process.env.PORTAL_VAR || 'var/test';
const CTL = process.env.PORTALCTL_BIN || 'build/portalctl';
const dbEnv = () => ({
	...process.env,
	PORTAL_DB_SOCKET: path.join(VAR, 'run/mariadb.sock'),
	PORTAL_DB_USER: 'portal',
	PORTAL_DB_NAME: 'portal',
	PORTAL_DB_PASSWORD: fs.readFileSync(path.join(VAR, 'db.password'), 'utf8').trim(),
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function sql(statement) {
	const env = dbEnv();
	return execFileSync('mariadb', ['--socket', env.PORTAL_DB_SOCKET, '-u', 'portal', `-p${env.PORTAL_DB_PASSWORD}`,
		'-N', '-B', 'portal', '-e', statement], { encoding: 'utf8' }).trim();
}

const slug = uniqueTag('l').toLowerCase().slice(0, 24);
const around = { time_zone: 'UTC', week: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '24:00']]])) };
// minutes: amber/red per level, the same for every priority except urgent level 1 (5/10)
const thresholds = [];
for (const priority of ['low', 'normal', 'high', 'urgent'])
	for (const level of [1, 2, 3])
		thresholds.push({ priority, level, amber_minutes: priority === 'urgent' && level === 1 ? 5 : 60 * level,
			red_minutes: priority === 'urgent' && level === 1 ? 10 : 120 * level });

let admin, agent, customer, customerId, tenantId;

test.before(async () => {
	applyTenant({
		slug, name: 'Lighthouse', time_zone: 'UTC', domains: [],
		branding: { product_name: 'Lighthouse Help', issue_word: 'ticket', primary_color: '#334155', accent_color: '#f8fafc', logo: 'logo.svg' },
		settings: { customers_see_company: false }, companies: ['Harbour'], default_password: 'Light-Pass-123',
		users: [
			{ email: 'admin@lighthouse.example', name: 'Lia Admin', role: 'admin' },
			{ email: 'agent@lighthouse.example', name: 'Leo Agent', role: 'agent' },
			{ email: 'mgr@lighthouse.example', name: 'Mo Manager', role: 'manager' },
			{ email: 'cust@harbour.example', name: 'Hal Customer', role: 'customer', company: 'Harbour' },
		],
	});
	admin = (await loginFull(slug, 'admin@lighthouse.example', 'Light-Pass-123')).token;
	agent = (await loginFull(slug, 'agent@lighthouse.example', 'Light-Pass-123')).token;
	const c = await loginFull(slug, 'cust@harbour.example', 'Light-Pass-123');
	customer = c.token;
	customerId = c.user.id;
	const put = await request(slug, 'PUT', '/api/v1/admin/lights', { token: admin, body: { calendar: around, thresholds } });
	assert.equal(put.status, 200, put.text);
	tenantId = Number(sql(`SELECT id FROM tenants WHERE slug = '${slug}'`));
});

const secs = (iso) => Date.parse(iso) / 1000;

async function create(priority = 'normal') {
	const res = await request(slug, 'POST', '/api/v1/tickets', { token: agent, body: { subject: `${uniqueTag('L')} lights`, customer_id: customerId, priority } });
	assert.equal(res.status, 201, res.text);
	return res.json;
}
async function get(number, token = agent) {
	const res = await request(slug, 'GET', `/api/v1/tickets/${number}`, { token });
	assert.equal(res.status, 200, res.text);
	return res.json;
}
async function move(number, to) {
	const res = await request(slug, 'POST', `/api/v1/tickets/${number}/transitions`, { token: agent, body: { to } });
	assert.equal(res.status, 200, res.text);
	return res.json;
}
async function board(token = agent) {
	const res = await request(slug, 'GET', '/api/v1/board', { token });
	assert.equal(res.status, 200, res.text);
	return res.json;
}

test('a new ticket: response and communication clocks run from its creation, supplier is off', async () => {
	const t = await create();
	const start = secs(t.created_at);
	assert.equal(t.lights.response.colour, 'green');
	assert.equal(t.lights.response.running, true);
	assert.equal(secs(t.lights.response.started_at), start);
	assert.equal(secs(t.lights.response.amber_at), start + 60 * 60);
	assert.equal(secs(t.lights.response.red_at), start + 120 * 60);
	assert.equal(secs(t.lights.communication.amber_at), start + 180 * 60);
	assert.equal(secs(t.lights.communication.red_at), start + 360 * 60);
	assert.deepEqual(t.lights.supplier, { colour: 'off', running: false, started_at: null, amber_at: null, red_at: null });
	// The list shows the same lights as the ticket.
	const list = await request(slug, 'GET', '/api/v1/tickets?limit=5', { token: agent });
	assert.deepEqual(list.json.data.find((x) => x.number === t.number).lights, t.lights);
	// Customers never see a light.
	const mine = await request(slug, 'GET', `/api/v1/tickets/${t.number}`, { token: customer });
	assert.equal(mine.status, 200);
	assert.equal(mine.json.lights, undefined);
});

test('deferring pauses every clock and resuming moves the due instants by the paused time', async () => {
	const t = await create();
	const red0 = secs(t.lights.response.red_at);
	const paused = await move(t.number, 'deferred');
	assert.equal(paused.lights.response.running, false);
	assert.equal(paused.lights.response.red_at, null);
	assert.equal(paused.lights.communication.running, false);
	const pausedAt = secs(paused.updated_at);
	await sleep(2200);
	const resumed = await move(t.number, 'in_progress');
	const resumedAt = secs(resumed.updated_at);
	assert.equal(resumed.lights.response.running, true);
	const shift = secs(resumed.lights.response.red_at) - red0;
	// Instants are whole seconds: the shift equals the pause to within one second.
	assert.ok(Math.abs(shift - (resumedAt - pausedAt)) <= 1, `shift ${shift} vs pause ${resumedAt - pausedAt}`);
	assert.ok(shift >= 2, `shift ${shift}`);
	// The move was an update the customer sees: communication restarted at the resume.
	assert.ok(Math.abs(secs(resumed.lights.communication.started_at) - resumedAt) <= 1);
});

test('our public answer ends the response clock; the customer\'s reply starts it again', async () => {
	const t = await create();
	const internal = await request(slug, 'POST', `/api/v1/tickets/${t.number}/notes`, { token: agent, body: { body: 'checking', visibility: 'internal' } });
	assert.equal(internal.status, 201);
	assert.equal((await get(t.number)).lights.response.colour, 'green', 'an internal note answers nobody');
	const answer = await request(slug, 'POST', `/api/v1/tickets/${t.number}/notes`, { token: agent, body: { body: 'on it', visibility: 'public' } });
	assert.equal(answer.status, 201);
	const answered = await get(t.number);
	assert.equal(answered.lights.response.colour, 'off');
	assert.ok(Math.abs(secs(answered.lights.communication.started_at) - secs(answer.json.created_at)) <= 1);
	const reply = await request(slug, 'POST', `/api/v1/tickets/${t.number}/notes`, { token: customer, body: { body: 'thanks, still broken' } });
	assert.equal(reply.status, 201);
	const again = await get(t.number);
	assert.equal(again.lights.response.colour, 'green');
	assert.ok(Math.abs(secs(again.lights.response.started_at) - secs(reply.json.created_at)) <= 1);
});

test('supplier requests run the second light until every one is answered', async () => {
	const t = await create();
	const ask = (supplier) => request(slug, 'POST', `/api/v1/tickets/${t.number}/supplier_requests`, { token: agent, body: { supplier, question: 'ETA for the part?' } });
	const a = await ask('Parts Ltd');
	const b = await ask('Cables Inc');
	assert.equal(a.status, 201, a.text);
	assert.equal(a.json.supplier, 'Parts Ltd');
	assert.equal(a.json.answered_at, null);
	const asked = await get(t.number);
	assert.equal(asked.lights.supplier.colour, 'green');
	assert.ok(Math.abs(secs(asked.lights.supplier.started_at) - secs(a.json.opened_at)) <= 1);
	assert.equal(secs(asked.lights.supplier.red_at), secs(asked.lights.supplier.started_at) + 240 * 60);
	const ansA = await request(slug, 'POST', `/api/v1/tickets/${t.number}/supplier_requests/${a.json.id}/answer`, { token: agent });
	assert.equal(ansA.status, 200, ansA.text);
	assert.equal((await get(t.number)).lights.supplier.colour, 'green', 'one request is still open');
	const again = await request(slug, 'POST', `/api/v1/tickets/${t.number}/supplier_requests/${a.json.id}/answer`, { token: agent });
	assertProblem(again, 409, 'conflict');
	await request(slug, 'POST', `/api/v1/tickets/${t.number}/supplier_requests/${b.json.id}/answer`, { token: agent });
	assert.equal((await get(t.number)).lights.supplier.colour, 'off');
	const list = await request(slug, 'GET', `/api/v1/tickets/${t.number}/supplier_requests`, { token: agent });
	assert.deepEqual(list.json.data.map((r) => [r.supplier, r.answered_at !== null]), [['Parts Ltd', true], ['Cables Inc', true]]);
	assertProblem(await request(slug, 'GET', `/api/v1/tickets/${t.number}/supplier_requests`, { token: customer }), 403, 'forbidden');
	assertProblem(await request(slug, 'POST', `/api/v1/tickets/${t.number}/supplier_requests/999999/answer`, { token: agent }), 404, 'not_found');
});

test('resolving turns every light off', async () => {
	const t = await create();
	const done = await move(t.number, 'resolved');
	for (const level of ['response', 'supplier', 'communication']) assert.equal(done.lights[level].colour, 'off', level);
});

test('the sweeper records amber and red exactly once, and the board counts it', async () => {
	const created = await create('urgent');
	const me = (await request(slug, 'GET', '/api/v1/me', { token: agent })).json.user;
	const assigned = await request(slug, 'PATCH', `/api/v1/tickets/${created.number}`, { token: agent, headers: { 'if-match': etagOf(created.version) }, body: { assignee_id: me.id } });
	assert.equal(assigned.status, 200, assigned.text);
	const t = assigned.json;
	const id = sql(`SELECT id FROM tickets WHERE tenant_id = ${tenantId} AND number = ${t.number}`);
	const before = await board();
	// Ten urgent minutes have passed: move the cycle back and let the lights follow.
	sql(`UPDATE ticket_lights SET cycle_started_at = cycle_started_at - INTERVAL 11 MINUTE, running_since = running_since - INTERVAL 11 MINUTE,
		amber_at = amber_at - INTERVAL 11 MINUTE, red_at = red_at - INTERVAL 11 MINUTE WHERE tenant_id = ${tenantId} AND ticket_id = ${id} AND level = 1`);
	let rows = '';
	for (let i = 0; i < 50 && rows.split('\n').filter(Boolean).length < 2; i++) {
		await sleep(200);
		rows = sql(`SELECT colour FROM light_breaches WHERE tenant_id = ${tenantId} AND ticket_id = ${id} ORDER BY colour`);
	}
	assert.equal(rows, 'amber\nred');
	const now = await get(t.number);
	assert.equal(now.lights.response.colour, 'red');
	const after = await board();
	assert.equal(after.levels[0].red, before.levels[0].red + 1);
	assert.equal(after.levels[0].green, before.levels[0].green - 1);
	assert.ok(after.worst.some((w) => w.number === t.number && w.level === 1));
	const timeline = await request(slug, 'GET', `/api/v1/tickets/${t.number}/timeline`, { token: agent });
	assert.deepEqual(timeline.json.data.filter((e) => e.kind === 'light_changed').map((e) => e.data.colour), ['amber', 'red']);
	// Amber told the assignee; red escalated to the manager.
	const mine = (await request(slug, 'GET', '/api/v1/notifications', { token: agent })).json.data.filter((n) => n.ticket === t.number);
	assert.deepEqual(mine.map((n) => [n.kind, n.message]), [['amber', `Ticket #${t.number} turned amber on response`]]);
	const mgr = (await loginFull(slug, 'mgr@lighthouse.example', 'Light-Pass-123')).token;
	const escalated = (await request(slug, 'GET', '/api/v1/notifications', { token: mgr })).json.data.filter((n) => n.ticket === t.number);
	assert.deepEqual(escalated.map((n) => [n.kind, n.message]), [['red', `Ticket #${t.number} turned red on response: escalated`]]);
	// A restarted sweeper records nothing twice.
	const master = fs.readFileSync(path.join(VAR, 'run/portald.pid'), 'utf8').trim();
	process.kill(Number(master), 'SIGHUP');
	await sleep(2500);
	assert.equal(sql(`SELECT COUNT(*) FROM light_breaches WHERE tenant_id = ${tenantId} AND ticket_id = ${id}`), '2');

	// Lowering the priority puts red back in the future: green at once, off the red count.
	const patched = await request(slug, 'PATCH', `/api/v1/tickets/${t.number}`, { token: agent, headers: { 'if-match': etagOf(now.version) }, body: { priority: 'low' } });
	assert.equal(patched.status, 200, patched.text);
	assert.equal(patched.json.lights.response.colour, 'green');
	assert.equal((await board()).levels[0].red, before.levels[0].red);
	// The breach stays recorded.
	assert.equal(sql(`SELECT COUNT(*) FROM light_breaches WHERE tenant_id = ${tenantId} AND ticket_id = ${id} AND colour = 'red'`), '1');
});

test('the board: staff only, polled cheaply with If-None-Match, never another tenant\'s counts', async () => {
	const first = await request(slug, 'GET', '/api/v1/board', { token: agent });
	assert.equal(first.status, 200);
	assert.match(first.headers.etag, /^"[0-9a-f]{32}"$/);
	const again = await request(slug, 'GET', '/api/v1/board', { token: agent, headers: { 'if-none-match': first.headers.etag } });
	assert.equal(again.status, 304);
	assert.equal(again.text, '');
	assertProblem(await request(slug, 'GET', '/api/v1/board', { token: customer }), 403, 'forbidden');
	assertProblem(await request(slug, 'GET', '/api/v1/board'), 401, 'unauthorized');
	// acme's board knows nothing of this tenant's red ticket.
	const acme = await loginFull('acme', 'manager@acme.example');
	const acmeBoard = await request('acme', 'GET', '/api/v1/board', { token: acme.token });
	assert.equal(acmeBoard.status, 200);
	assert.ok(!JSON.stringify(acmeBoard.json).includes(' lights'), 'no subject of this tenant on acme\'s board');
	assertProblem(await request('acme', 'GET', '/api/v1/board', { token: agent }), 401, 'unauthorized');
});

test('light settings: admins only, validated as a whole', async () => {
	assertProblem(await request(slug, 'GET', '/api/v1/admin/lights', { token: agent }), 403, 'forbidden');
	const current = await request(slug, 'GET', '/api/v1/admin/lights', { token: admin });
	assert.equal(current.status, 200);
	assert.deepEqual(current.json.calendar, around);
	assert.equal(current.json.thresholds.length, 12);
	const closed = { time_zone: 'UTC', week: {} };
	assertProblem(await request(slug, 'PUT', '/api/v1/admin/lights', { token: admin, body: { calendar: closed, thresholds: [] } }), 422, 'validation_failed');
	const inverted = [{ priority: 'low', level: 1, amber_minutes: 30, red_minutes: 20 }];
	assertProblem(await request(slug, 'PUT', '/api/v1/admin/lights', { token: admin, body: { calendar: around, thresholds: inverted } }), 422, 'validation_failed');
	const zone = { time_zone: '../../etc/passwd', week: around.week };
	assertProblem(await request(slug, 'PUT', '/api/v1/admin/lights', { token: admin, body: { calendar: zone, thresholds: [] } }), 422, 'validation_failed');
	// Nothing changed.
	assert.deepEqual((await request(slug, 'GET', '/api/v1/admin/lights', { token: admin })).json, current.json);
});

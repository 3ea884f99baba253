// New service levels recompute every open clock in batches: a tenant of 5,103 open tickets (one
// made through the API and aged 100 minutes, 5,100 bulk copies of it, and two others) gets
// exactly the instants the new thresholds give, one lights_recomputed entry per ticket whose
// clocks moved and none for the others, across batch boundaries; saving the same settings again
// records nothing; the board (read from the scheduler's summary at this size) shows the moved
// lights as soon as the recomputation is done; the replay of every timeline still arrives at
// the stored lights.

import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { request, loginFull, uniqueTag, applyTenant, dbEnv, sql } from './lib.mjs';

const CTL = process.env.PORTALCTL_BIN || 'build/portalctl';
const PASS = 'Batch-Pass-123';
const COPIES = 5100; // with two running cycles each, over the board summary's 10,000
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const secs = (iso) => Math.floor(Date.parse(iso) / 1000);

const around = { time_zone: 'UTC', week: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [d, [['00:00', '24:00']]])) };
// minutes: 60/120 per level for every priority, except urgent response 5/10
const thresholds = [];
for (const priority of ['low', 'normal', 'high', 'urgent'])
	for (const level of [1, 2, 3])
		thresholds.push({ priority, level, amber_minutes: priority === 'urgent' && level === 1 ? 5 : 60,
			red_minutes: priority === 'urgent' && level === 1 ? 10 : 120 });
// Normal response: amber after 30 minutes instead of 60, red after 45 instead of 120.
const tighter = thresholds.map((x) => (x.priority === 'normal' && x.level === 1 ? { ...x, amber_minutes: 30, red_minutes: 45 } : x));

const slug = uniqueTag('rc').toLowerCase().slice(0, 24);
let admin, agent, tenantId;

async function settle() {
	for (let i = 0; i < 300 && sql(`SELECT lights_version = lights_done_version FROM tenants WHERE id = ${tenantId}`) !== '1'; i++) await sleep(100);
	assert.equal(sql(`SELECT lights_version = lights_done_version FROM tenants WHERE id = ${tenantId}`), '1');
}
async function putLights(body) {
	const res = await request(slug, 'PUT', '/api/v1/admin/lights', { token: admin, body });
	assert.equal(res.status, 200, res.text);
	await settle();
}
const entries = () => Number(sql(`SELECT COUNT(*) FROM ticket_events WHERE tenant_id = ${tenantId} AND kind = 'lights_recomputed'`));
async function board() {
	const res = await request(slug, 'GET', '/api/v1/board', { token: agent });
	assert.equal(res.status, 200, res.text);
	return res.json;
}

test.before(async () => {
	applyTenant({
		slug, name: 'Batchwork', time_zone: 'UTC', domains: [],
		branding: { product_name: 'Batchwork Help', issue_word: 'ticket', primary_color: '#334155', accent_color: '#f8fafc', logo: 'logo.svg' },
		settings: { customers_see_company: false }, companies: ['Gears'], default_password: PASS,
		users: [
			{ email: 'admin@batch.example', name: 'Bea Admin', role: 'admin' },
			{ email: 'agent@batch.example', name: 'Bob Agent', role: 'agent' },
			{ email: 'cust@gears.example', name: 'Gil Customer', role: 'customer', company: 'Gears' },
		],
	});
	admin = (await loginFull(slug, 'admin@batch.example', PASS)).token;
	agent = (await loginFull(slug, 'agent@batch.example', PASS)).token;
	tenantId = Number(sql(`SELECT id FROM tenants WHERE slug = '${slug}'`));
	await putLights({ calendar: around, thresholds });
});

test('a recomputation in batches moves exactly the clocks the new thresholds move, once each', { timeout: 240000 }, async () => {
	const customerId = Number(sql(`SELECT id FROM users WHERE tenant_id = ${tenantId} AND role = 'customer'`));
	const create = async (priority) => {
		const res = await request(slug, 'POST', '/api/v1/tickets', { token: agent, body: { subject: `${uniqueTag('R')} batch`, customer_id: customerId, priority } });
		assert.equal(res.status, 201, res.text);
		return res.json;
	};
	const a = await create('normal');
	const urgent = await create('urgent'); // thresholds unchanged: nothing moves
	const paused = await create('normal');
	const moved = await request(slug, 'POST', `/api/v1/tickets/${paused.number}/transitions`, { token: agent, body: { to: 'deferred' } });
	assert.equal(moved.status, 200, moved.text);
	// Ticket a is 100 minutes older (timeline and lights alike): response amber (60) has passed,
	// red (120) has not. Then 5,100 copies of it, turns already recorded so the sweeper stays out.
	const aId = Number(sql(`SELECT id FROM tickets WHERE tenant_id = ${tenantId} AND number = ${a.number}`));
	sql(`SET SESSION foreign_key_checks = 0;
		START TRANSACTION;
		SET @T = ${tenantId}, @A = ${aId};
		UPDATE ticket_events SET created_at = created_at - INTERVAL 100 MINUTE WHERE tenant_id = @T AND ticket_id = @A;
		UPDATE ticket_lights SET cycle_started_at = cycle_started_at - INTERVAL 100 MINUTE, running_since = running_since - INTERVAL 100 MINUTE,
		  amber_at = amber_at - INTERVAL 100 MINUTE, red_at = red_at - INTERVAL 100 MINUTE WHERE tenant_id = @T AND ticket_id = @A;
		SET @tb = (SELECT MAX(id) FROM tickets), @nb = (SELECT MAX(number) FROM tickets WHERE tenant_id = @T);
		CREATE TEMPORARY TABLE copies ENGINE=InnoDB SELECT t.*, s.seq AS k FROM tickets t JOIN seq_1_to_${COPIES} s WHERE t.tenant_id = @T AND t.id = @A;
		UPDATE copies SET id = @tb + k, number = @nb + k;
		ALTER TABLE copies DROP COLUMN k;
		INSERT INTO tickets SELECT * FROM copies;
		INSERT INTO ticket_lights (tenant_id, ticket_id, level, cycle_started_at, running_since, accrued_seconds, amber_at, red_at, amber_recorded, red_recorded)
		SELECT @T, @tb + s.seq, l.level, l.cycle_started_at, l.running_since, l.accrued_seconds, l.amber_at, l.red_at, 1, 1
		FROM ticket_lights l JOIN seq_1_to_${COPIES} s WHERE l.tenant_id = @T AND l.ticket_id = @A ORDER BY s.seq, l.level;
		INSERT INTO ticket_events (tenant_id, ticket_id, actor_id, kind, data, created_at, priority, status_id)
		SELECT @T, @tb + s.seq, e.actor_id, e.kind, e.data, e.created_at, e.priority, e.status_id
		FROM ticket_events e JOIN seq_1_to_${COPIES} s WHERE e.tenant_id = @T AND e.ticket_id = @A ORDER BY s.seq, e.id;
		UPDATE ticket_counters SET last_number = @nb + ${COPIES} WHERE tenant_id = @T;
		COMMIT;`);
	const total = COPIES + 3;

	// The board of a tenant this size comes from the scheduler's summary: wait for the first.
	let before;
	for (let i = 0; i < 40; i++) {
		before = await board();
		if (before.counts_as_of !== null) break;
		await sleep(500);
	}
	assert.notEqual(before.counts_as_of, null, 'the scheduler summarised the tenant');
	assert.deepEqual(before.levels[0], { level: 1, name: 'response', green: 2, amber: COPIES + 1, red: 0 });

	await putLights({ calendar: around, thresholds: tighter });

	// Ticket a and every copy moved once (response only), the others not at all.
	assert.equal(entries(), COPIES + 1);
	assert.equal(sql(`SELECT COUNT(DISTINCT ticket_id) FROM ticket_events WHERE tenant_id = ${tenantId} AND kind = 'lights_recomputed'`), String(COPIES + 1));
	for (const t of [urgent, paused])
		assert.equal((await request(slug, 'GET', `/api/v1/tickets/${t.number}/timeline`, { token: agent })).json.data.filter((e) => e.kind === 'lights_recomputed').length, 0);
	const res = await request(slug, 'GET', `/api/v1/tickets/${a.number}/lights`, { token: agent });
	assert.equal(res.status, 200, res.text);
	const events = (await request(slug, 'GET', `/api/v1/tickets/${a.number}/timeline`, { token: agent })).json.data;
	const created = secs(events.find((e) => e.kind === 'created').created_at);
	// Amber passed under both thresholds keeps its instant; red moves to 45 minutes in.
	assert.equal(secs(res.json.lights.response.amber_at), created + 60 * 60);
	assert.equal(secs(res.json.lights.response.red_at), created + 45 * 60);
	assert.equal(res.json.lights.response.colour, 'red');
	assert.equal(res.json.lights.communication.colour, 'amber');
	assert.equal(res.json.replay.consistent, true);
	const entry = events.filter((e) => e.kind === 'lights_recomputed');
	assert.equal(entry.length, 1);
	assert.equal(entry[0].actor, null);
	assert.equal(entry[0].data.reason, 'service levels changed');
	assert.deepEqual(entry[0].data.moved, [1]);
	assert.deepEqual(entry[0].data.levels[0], [created, created, 0, created + 60 * 60, created + 45 * 60]);
	// Every copy has ticket a's instants.
	assert.equal(sql(`SELECT COUNT(*) FROM ticket_lights c JOIN ticket_lights o ON o.tenant_id = c.tenant_id AND o.ticket_id = ${aId} AND o.level = c.level
		WHERE c.tenant_id = ${tenantId} AND c.ticket_id <> o.ticket_id AND c.level = 1 AND c.amber_at = o.amber_at AND c.red_at = o.red_at
		AND c.cycle_started_at = o.cycle_started_at AND c.running_since = o.running_since`), String(COPIES));

	// The summary was taken again when the recomputation ended: the board shows the reds at once.
	const after = await board();
	assert.notEqual(after.counts_as_of, null);
	assert.deepEqual(after.levels[0], { level: 1, name: 'response', green: 2, amber: 0, red: COPIES + 1 });

	// The same settings again: nothing moves, nothing is recorded.
	await putLights({ calendar: around, thresholds: tighter });
	assert.equal(entries(), COPIES + 1);

	const verify = spawnSync(CTL, ['lights', 'verify', slug], { env: dbEnv(), encoding: 'utf8' });
	assert.equal(verify.status, 0, verify.stdout + verify.stderr);
	assert.equal(verify.stdout.trim(), `${total} tickets checked, 0 mismatches, 0 not replayable`);
});

// The rule actions beyond the first set: tags (set by staff and by rules, shown to staff only,
// filterable), set_team, route_by_skill (the router takes over whatever the intake), notify_role
// (every active staff member of the role, never a customer), and time rules that repeat: a chase
// every N minutes while the ticket stays, once per due instant across a scheduler restart.

import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { request, loginFull, uniqueTag, assertProblem, assertFieldError, applyTenant } from './lib.mjs';

const VAR = process.env.PORTAL_VAR || 'var/test';
const PASS = 'Act-Pass-1234';
const slug = uniqueTag('x').toLowerCase().slice(0, 24);
let admin, agent, customer, ids = {};

function sql(q) {
	const password = fs.readFileSync(path.join(VAR, 'db.password'), 'utf8').trim();
	return execFileSync('mariadb', ['--socket', path.join(VAR, 'run/mariadb.sock'), '-u', 'portal', `-p${password}`, '-N', '-B', 'portal', '-e', q],
		{ encoding: 'utf8' }).trim();
}

test.before(async () => {
	applyTenant({
		slug, name: 'Actions Inc', time_zone: 'UTC', domains: [],
		branding: { product_name: 'Actions Help', issue_word: 'ticket', primary_color: '#166534', accent_color: '#f0fdf4', logo: 'logo.svg' },
		settings: { customers_see_company: false }, companies: ['Client'], default_password: PASS,
		routing: { intake: 'manual', manager: 'boss@act.example', levels: { low: 1, normal: 1, high: 1, urgent: 1 },
			categories: [{ name: 'Printers', skill: 'printers' }] },
		teams: [{ name: 'Hardware', members: ['hw@act.example'] }, { name: 'Billing', members: ['bill@act.example'] }],
		users: [
			{ email: 'admin@act.example', name: 'Ad Min', role: 'admin' },
			{ email: 'boss@act.example', name: 'Bo Boss', role: 'manager' },
			{ email: 'boss2@act.example', name: 'Bea Boss', role: 'manager' },
			{ email: 'hw@act.example', name: 'Hal Hardware', role: 'agent', skills: { printers: 3 } },
			{ email: 'bill@act.example', name: 'Bill Billing', role: 'agent', skills: { printers: 5 } },
			{ email: 'cust@client.example', name: 'Cy Client', role: 'customer', company: 'Client' },
		],
	});
	admin = (await loginFull(slug, 'admin@act.example', PASS)).token;
	agent = (await loginFull(slug, 'hw@act.example', PASS)).token;
	const c = await loginFull(slug, 'cust@client.example', PASS);
	customer = c.token;
	ids.customer = c.user.id;
	const teams = (await request(slug, 'GET', '/api/v1/admin/teams', { token: admin })).json.data;
	ids.hardware = teams.find((t) => t.name === 'Hardware').id;
	ids.tid = sql(`SELECT id FROM tenants WHERE slug = '${slug}'`);
});

const putRules = (rules) => request(slug, 'PUT', '/api/v1/admin/rules', { token: admin, body: { rules } });
const raise = async (subject, extra = {}) => {
	const res = await request(slug, 'POST', '/api/v1/tickets', { token: customer, body: { subject, ...extra } });
	assert.equal(res.status, 201, res.text);
	return res.json.number;
};
const get = async (n, token = admin) => (await request(slug, 'GET', `/api/v1/tickets/${n}`, { token })).json;
const timeline = async (n) => (await request(slug, 'GET', `/api/v1/tickets/${n}/timeline`, { token: admin })).json.data;
const inbox = async (email) => (await request(slug, 'GET', '/api/v1/notifications', { token: (await loginFull(slug, email, PASS)).token })).json.data;

test('the new actions are validated when saved', async () => {
	const bad = async (action, message) => {
		const res = await putRules([{ name: 'Bad', trigger: 'created', conditions: {}, actions: [action] }]);
		assertFieldError(res, '/rules/0/actions/0', 'invalid_value');
		assert.match(res.json.errors[0].message, message);
	};
	await bad({ type: 'add_tag', value: 'Has Space' }, /add_tag takes a tag/);
	await bad({ type: 'add_tag', value: 'x'.repeat(41) }, /add_tag takes a tag/);
	await bad({ type: 'set_tags', value: 'vip' }, /set_tags takes a list/);
	await bad({ type: 'set_tags', value: Array.from({ length: 21 }, (_, i) => `t${i}`) }, /set_tags takes a list/);
	await bad({ type: 'set_team', value: 'Hardware' }, /set_team takes a team id/);
	await bad({ type: 'notify_role', value: 'customer' }, /notify_role takes a staff role/);
	await bad({ type: 'sing' }, /route_by_skill, notify_role/);
	const rep = await putRules([{ name: 'R', trigger: 'created', repeat_minutes: 5, conditions: {}, actions: [{ type: 'escalate' }] }]);
	assertFieldError(rep, '/rules/0', 'invalid_value');
	const zero = await putRules([{ name: 'R', trigger: 'time_in_status', minutes: 5, status: 'not_started', repeat_minutes: 0, conditions: {}, actions: [{ type: 'escalate' }] }]);
	assertFieldError(zero, '/rules/0/repeat_minutes', 'invalid_value');
	assert.deepEqual((await request(slug, 'GET', '/api/v1/admin/rules', { token: admin })).json.data, []);
});

test('tags: set by a rule and by staff, shown to staff only, filterable', async () => {
	const res = await putRules([
		{ name: 'Tag printers', trigger: 'created', conditions: { field: 'category', op: 'equals', value: 'Printers' },
			actions: [{ type: 'add_tag', value: 'hardware' }, { type: 'add_tag', value: 'printer' }] },
	]);
	assert.equal(res.status, 200, res.text);
	const tag = uniqueTag('t').toLowerCase();
	const n = await raise(`Printer jam ${tag}`, { category: 'Printers' });
	const plain = await raise(`Invoice ${tag}`);
	const t = await get(n);
	assert.deepEqual(t.tags, ['hardware', 'printer']);
	assert.deepEqual((await get(plain)).tags, []);
	const mine = await get(n, customer);
	assert.equal(mine.tags, undefined);
	const events = (await timeline(n)).filter((e) => e.kind === 'updated');
	assert.deepEqual(events.map((e) => [e.data.fields, e.data.by_rule]), [[['tags'], 'Tag printers'], [['tags'], 'Tag printers']]);

	// Staff replace the set; the change is on the timeline.
	const patched = await request(slug, 'PATCH', `/api/v1/tickets/${n}`, { token: agent, body: { tags: ['vip', 'printer'] }, headers: { 'if-match': `"${t.version}"` } });
	assert.equal(patched.status, 200, patched.text);
	assert.deepEqual(patched.json.tags, ['printer', 'vip']);
	assertFieldError(await request(slug, 'PATCH', `/api/v1/tickets/${n}`, { token: agent, body: { tags: ['Bad Tag'] }, headers: { 'if-match': `"${patched.json.version}"` } }), '/tags/0', 'invalid_value');
	assertFieldError(await request(slug, 'PATCH', `/api/v1/tickets/${n}`, { token: agent, body: { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, headers: { 'if-match': `"${patched.json.version}"` } }), '/tags', 'too_long');
	assert.deepEqual((await get(n)).tags, ['printer', 'vip']);

	// The list filters by tag for staff. Tags are for staff only: a customer's tag filter is
	// refused (not ignored, which would answer as if it had matched), and their list shows no tags.
	const byTag = await request(slug, 'GET', `/api/v1/tickets?tag=vip&q=${tag}`, { token: agent });
	assert.deepEqual(byTag.json.data.map((x) => x.number), [n]);
	const printer = await request(slug, 'GET', `/api/v1/tickets?tag=printer&q=${tag}`, { token: agent });
	assert.deepEqual(printer.json.data.map((x) => x.number), [n]);
	assert.deepEqual((await request(slug, 'GET', `/api/v1/tickets?tag=nothing&q=${tag}`, { token: agent })).json.data, []);
	for (const t of ['vip', 'nothing', 'Bad%20Tag']) {
		const refused = await request(slug, 'GET', `/api/v1/tickets?tag=${t}&q=${tag}`, { token: customer });
		assertProblem(refused, 400, 'invalid_parameter');
		assert.equal(refused.json.detail, 'tag filters by what only staff see; customers cannot filter by it.');
	}
	const cust = await request(slug, 'GET', `/api/v1/tickets?q=${tag}`, { token: customer });
	assert.deepEqual(cust.json.data.map((x) => x.number), [plain, n].sort((a, b) => b - a));
	assert.ok(cust.json.data.every((x) => x.tags === undefined));
	assertProblem(await request(slug, 'GET', '/api/v1/tickets?tag=Bad%20Tag', { token: agent }), 400, 'invalid_parameter');
	// Another tenant's tag filter finds nothing of this one.
	const globex = (await loginFull('globex', 'agent1@globex.example')).token;
	assert.ok(!(await request('globex', 'GET', '/api/v1/tickets?tag=vip', { token: globex })).text.includes(tag));
	await putRules([]);
});

test('set_team then route_by_skill: the router picks within the team the rule set', async () => {
	const res = await putRules([
		{ name: 'Printers to Hardware', trigger: 'created', conditions: { field: 'category', op: 'equals', value: 'Printers' },
			actions: [{ type: 'set_team', value: ids.hardware }, { type: 'route_by_skill' }] },
	]);
	assert.equal(res.status, 200, res.text);
	const n = await raise('Toner everywhere', { category: 'Printers' });
	const t = await get(n);
	// Bill has the higher level, but is not in Hardware: Hal gets it, though the intake is manual.
	assert.deepEqual([t.team, t.assignee && t.assignee.name, t.queue], [{ id: ids.hardware, name: 'Hardware' }, 'Hal Hardware', null]);
	const kinds = (await timeline(n)).map((e) => e.kind);
	assert.deepEqual(kinds, ['created', 'rule_fired', 'updated', 'assigned']);
	const assigned = (await timeline(n)).at(-1);
	assert.match(assigned.data.reason, /printers 3/);
	// Nobody in the team can: the ticket waits in the fallback queue, on the timeline.
	sql(`UPDATE users SET availability = 'away' WHERE tenant_id = ${ids.tid} AND email = 'hw@act.example'`);
	const m = await raise('Toner again', { category: 'Printers' });
	const u = await get(m);
	assert.deepEqual([u.assignee, u.queue], [null, 'fallback']);
	sql(`UPDATE users SET availability = 'available' WHERE tenant_id = ${ids.tid} AND email = 'hw@act.example'`);
	await putRules([]);
});

test('notify_role reaches every active manager and no customer; notify never reaches a customer', async () => {
	const res = await putRules([
		{ name: 'Tell managers', trigger: 'created', conditions: {}, actions: [{ type: 'notify_role', value: 'manager' }, { type: 'notify', value: ids.customer }] },
	]);
	assert.equal(res.status, 200, res.text);
	const n = await raise('Please look');
	for (const email of ['boss@act.example', 'boss2@act.example']) {
		const box = await inbox(email);
		assert.equal(box[0].message, `Rule "Tell managers" on ticket #${n}`);
		assert.equal(box[0].ticket, n);
	}
	assert.ok(!(await inbox('hw@act.example')).some((x) => x.ticket === n));
	// The customer's id was named, yet nothing was stored for them, and they have no inbox.
	assert.equal(sql(`SELECT COUNT(*) FROM notifications WHERE tenant_id = ${ids.tid} AND user_id = ${ids.customer}`), '0');
	assertProblem(await request(slug, 'GET', '/api/v1/notifications', { token: customer }), 403, 'forbidden');
	// What the customer can see of the ticket carries no trace of the rule.
	const notes = await request(slug, 'GET', `/api/v1/tickets/${n}/notes`, { token: customer });
	assert.deepEqual(notes.json.data, []);
	assertProblem(await request(slug, 'GET', `/api/v1/tickets/${n}/timeline`, { token: customer }), 403, 'forbidden');
	assert.ok(!(await request(slug, 'GET', `/api/v1/tickets/${n}`, { token: customer })).text.includes('Tell managers'));
	await putRules([]);
});

test('a chase repeats every N minutes while the ticket stays, once per due instant across a restart', async () => {
	const res = await putRules([{ name: 'Chase', trigger: 'time_in_status', minutes: 60, repeat_minutes: 30, status: 'awaiting_update',
		conditions: {}, actions: [{ type: 'add_note', value: 'Chasing the customer.' }] }]);
	assert.equal(res.status, 200, res.text);
	assert.deepEqual([res.json.data[0].minutes, res.json.data[0].repeat_minutes], [60, 30]);
	const n = await raise('Waiting on you');
	const moved = await request(slug, 'POST', `/api/v1/tickets/${n}/transitions`, { token: agent, body: { to: 'awaiting_update' } });
	assert.equal(moved.status, 200, moved.text);
	const chases = async () => (await timeline(n)).filter((e) => e.kind === 'rule_fired').length;
	const waitFor = async (count) => {
		for (let i = 0; i < 75 && (await chases()) < count; i++) await new Promise((r) => setTimeout(r, 200));
		return chases();
	};
	// Time passing, without waiting: the stay's start moves back, and the firings already recorded
	// for this stay move with it (they are keyed by the stay's start), so it stays one stay.
	const since = sql(`SELECT status_since FROM tickets WHERE tenant_id = ${ids.tid} AND number = ${n}`);
	const shift = (minutes) => sql(`START TRANSACTION; SET @id = (SELECT id FROM tickets WHERE tenant_id = ${ids.tid} AND number = ${n}); ` +
		`UPDATE tickets SET status_since = '${since}' - INTERVAL ${minutes} MINUTE WHERE tenant_id = ${ids.tid} AND id = @id; ` +
		`UPDATE rule_firings SET since = '${since}' - INTERVAL ${minutes} MINUTE WHERE tenant_id = ${ids.tid} AND ticket_id = @id; COMMIT`);
	const firings = () => sql(`SELECT GROUP_CONCAT(f.due_index ORDER BY f.due_index) FROM rule_firings f JOIN tickets t ON t.id = f.ticket_id WHERE f.tenant_id = ${ids.tid} AND t.number = ${n}`);
	const notes = async () => (await request(slug, 'GET', `/api/v1/tickets/${n}/notes`, { token: admin })).json.data.map((x) => x.body);
	await new Promise((r) => setTimeout(r, 1500));
	assert.equal(await chases(), 0, 'not before 60 minutes');
	shift(61);
	assert.equal(await waitFor(1), 1, 'the first chase at 60 minutes');
	await new Promise((r) => setTimeout(r, 2500));
	assert.equal(await chases(), 1, 'not again before the next interval');
	// The scheduler restarts: the same due instant does not fire again.
	process.kill(Number(fs.readFileSync(path.join(VAR, 'run/portald.pid'), 'utf8').trim()), 'SIGHUP');
	await new Promise((r) => setTimeout(r, 3000));
	assert.equal(await chases(), 1);
	assert.equal(firings(), '0');
	// 30 minutes later: the second chase, once.
	shift(92);
	assert.equal(await waitFor(2), 2, 'the second chase at 90 minutes');
	shift(100);
	await new Promise((r) => setTimeout(r, 2500));
	assert.equal(await chases(), 2, 'still the same interval');
	assert.equal(firings(), '0,1');
	assert.deepEqual(await notes(), ['Chasing the customer.', 'Chasing the customer.']);
	assert.equal((await get(n)).status.key, 'awaiting_update');
	await putRules([]);
});

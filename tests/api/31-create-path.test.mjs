// The create path's shortcuts, each checked against what it replaced: the rules and categories
// every worker keeps with the tenant's configuration (a change is seen by the next request in
// every worker), ticket numbers taken outside the create's transaction (no number lost to a
// refused create or a replay), and the router passing over agents another create is assigning
// (their rows held) instead of queueing behind them.

import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { request, loginFull, uniqueTag, applyTenant, sql, dbEnv, assertFieldError } from './lib.mjs';

const PASS = 'Path-Pass-123';
const AGENTS = 20; // more than the router's short list of 16

let slug, tid, admin, agentIds, customer;

test.before(async () => {
	slug = uniqueTag('cp').toLowerCase().slice(0, 24);
	const agents = [];
	for (let i = 1; i <= AGENTS; i++) {
		const nn = String(i).padStart(2, '0');
		agents.push({ email: `a${nn}@path.example`, name: `Agent ${nn}`, role: 'agent', skills: { printers: 3 }, capacity: 50 });
	}
	applyTenant({
		slug, name: 'Path Co', time_zone: 'UTC', domains: [],
		branding: { product_name: 'Path Help', issue_word: 'ticket', primary_color: '#0e7490', accent_color: '#ecfeff', logo: 'logo.svg' },
		settings: { customers_see_company: false }, companies: ['Client'], default_password: PASS,
		routing: { intake: 'router', levels: { low: 1, normal: 2, high: 3, urgent: 4 }, categories: [{ name: 'Printers', skill: 'printers' }] },
		users: [
			{ email: 'admin@path.example', name: 'Pat Admin', role: 'admin' },
			...agents,
			{ email: 'client@client.example', name: 'Cli Ent', role: 'customer', company: 'Client' },
		],
	});
	tid = sql(`SELECT id FROM tenants WHERE slug = '${slug}'`);
	admin = (await loginFull(slug, 'admin@path.example', PASS)).token;
	customer = (await loginFull(slug, 'client@client.example', PASS)).token;
	agentIds = sql(`SELECT id FROM users WHERE tenant_id = ${tid} AND role = 'agent' ORDER BY id`).split('\n').map(Number);
});

const raise = async (body, headers) => request(slug, 'POST', '/api/v1/tickets', { token: customer, body, headers });
const staffView = async (n) => (await request(slug, 'GET', `/api/v1/tickets/${n}`, { token: admin })).json;
const timeline = async (n) => (await request(slug, 'GET', `/api/v1/tickets/${n}/timeline`, { token: admin })).json.data;
// Enough requests that every worker has read the tenant's configuration.
const warmWorkers = async () => {
	for (let i = 0; i < 12; i++) assert.equal((await request(slug, 'GET', '/api/v1/tickets', { token: admin })).status, 200);
};
// Puts the agents' open counts and last assignments back to "never assigned, nothing open".
const resetAgents = () => {
	sql(`UPDATE tickets SET assignee_id = NULL WHERE tenant_id = ${tid}`);
	sql(`UPDATE users SET last_assigned_at = NULL WHERE tenant_id = ${tid}`);
};

// A second database session holding the rows of these agents for ms milliseconds, as a create
// that is assigning them a ticket does. Resolves once the rows are held; .done once released.
function holdAgents(ids, ms) {
	const env = dbEnv();
	const child = spawn('mariadb', ['-N', '-B', '--unbuffered', '-S', env.PORTAL_DB_SOCKET, '-u', env.PORTAL_DB_USER, env.PORTAL_DB_NAME],
		{ env: { ...env, MYSQL_PWD: env.PORTAL_DB_PASSWORD }, stdio: ['pipe', 'pipe', 'inherit'] });
	const done = new Promise((resolve) => child.on('exit', resolve));
	let out = '';
	const held = new Promise((resolve) => child.stdout.on('data', (d) => {
		out += d;
		if (out.includes('held')) resolve();
	}));
	child.stdin.end(`START TRANSACTION;
SELECT COUNT(*) FROM users FORCE INDEX (PRIMARY) WHERE id IN (${ids.join(',')}) AND tenant_id = ${tid} FOR UPDATE;
SELECT 'held';
SELECT SLEEP(${ms / 1000});
ROLLBACK;
`);
	return Object.assign(held, { done });
}

test('rules saved are the rules every worker runs on the next request', async () => {
	await warmWorkers();
	let res = await request(slug, 'PUT', '/api/v1/admin/rules', { token: admin, body: { rules: [
		{ name: 'Tag jams', trigger: 'created', conditions: { field: 'subject', op: 'contains', value: 'jam' }, actions: [{ type: 'add_tag', value: 'jam' }] },
	] } });
	assert.equal(res.status, 200, res.text);
	for (let i = 0; i < 8; i++) {
		const made = await raise({ subject: `Paper jam ${i}` });
		assert.equal(made.status, 201, made.text);
		const fired = (await timeline(made.json.number)).filter((e) => e.kind === 'rule_fired').map((e) => e.data.name);
		assert.deepEqual(fired, ['Tag jams'], `ticket ${i}`);
	}
	res = await request(slug, 'PUT', '/api/v1/admin/rules', { token: admin, body: { rules: [
		{ name: 'Tag jams', enabled: false, trigger: 'created', conditions: { field: 'subject', op: 'contains', value: 'jam' }, actions: [{ type: 'add_tag', value: 'jam' }] },
	] } });
	assert.equal(res.status, 200, res.text);
	for (let i = 0; i < 8; i++) {
		const made = await raise({ subject: `Paper jam again ${i}` });
		assert.equal(made.status, 201, made.text);
		assert.deepEqual((await timeline(made.json.number)).filter((e) => e.kind === 'rule_fired'), [], `ticket ${i}`);
	}
});

test('a category added or renamed is known to every worker at once', async () => {
	await warmWorkers();
	let res = await request(slug, 'POST', '/api/v1/admin/categories', { token: admin, body: { name: 'Scanners', skill: 'scanners' } });
	assert.equal(res.status, 201, res.text);
	const id = res.json.id;
	for (let i = 0; i < 8; i++) {
		const made = await raise({ subject: `Scanner ${i}`, category: 'Scanners' });
		assert.equal(made.status, 201, made.text);
		assert.equal(made.json.category, 'Scanners');
	}
	res = await request(slug, 'PUT', `/api/v1/admin/categories/${id}`, { token: admin, body: { name: 'Document scanners', skill: 'scanners' } });
	assert.equal(res.status, 200, res.text);
	for (let i = 0; i < 8; i++) {
		const old = await raise({ subject: `Old name ${i}`, category: 'Scanners' });
		assertFieldError(old, '/category', 'not_found');
	}
	// Another case of the name is the database's to match, as before.
	const other = await raise({ subject: 'Other case', category: 'document SCANNERS' });
	assert.equal(other.status, 201, other.text);
	assert.equal(other.json.category, 'Document scanners');
});

test('a refused create and a replay take no ticket number', async () => {
	const first = await raise({ subject: 'Numbered' }, { 'idempotency-key': `k-${uniqueTag('n')}` });
	assert.equal(first.status, 201, first.text);
	const n = first.json.number;
	const key = `k-${uniqueTag('r')}`;
	const second = await raise({ subject: 'Second' }, { 'idempotency-key': key });
	assert.equal(second.status, 201, second.text);
	assert.equal(second.json.number, n + 1);
	assert.equal((await raise({ subject: 'Bad', category: 'No such category' })).status, 422);
	assert.equal((await request(slug, 'POST', '/api/v1/tickets', { token: admin, body: { subject: 'Bad', customer_id: 999999999 } })).status, 422);
	const replay = await raise({ subject: 'Second' }, { 'idempotency-key': key });
	assert.equal(replay.status, 201, replay.text);
	assert.equal(replay.headers['idempotency-replayed'], 'true');
	assert.equal(replay.json.number, n + 1);
	assert.equal((await raise({ subject: 'Second, changed' }, { 'idempotency-key': key })).status, 422);
	const third = await raise({ subject: 'Third' });
	assert.equal(third.status, 201, third.text);
	assert.equal(third.json.number, n + 2);
	assert.equal(Number(sql(`SELECT last_number FROM ticket_counters WHERE tenant_id = ${tid}`)), n + 2);
});

test('the router passes over agents another create holds, and waits only when nobody else is left', async () => {
	resetAgents();
	// All equal and never assigned: the lowest id is first. The first 17 are held (more than the
	// short list): the ticket goes to the 18th at once, not to the first once released.
	const hold = holdAgents(agentIds.slice(0, 17), 3000);
	await hold;
	const made = await raise({ subject: 'Routed past held agents', category: 'Printers' });
	assert.equal(made.status, 201, made.text);
	assert.equal((await staffView(made.json.number)).assignee.id, agentIds[17]);
	const reason = (await timeline(made.json.number)).find((e) => e.kind === 'assigned').data.reason;
	assert.equal(reason, 'assigned to Agent 18: skill printers 3 \u2265 2, 0 open of 50');
	await hold.done;

	// Every agent held: the create waits for their rows and takes the best of them (not the
	// fallback queue).
	resetAgents();
	const all = holdAgents(agentIds, 1500);
	await all;
	const waited = await raise({ subject: 'Waited for held agents', category: 'Printers' });
	assert.equal(waited.status, 201, waited.text);
	const view = await staffView(waited.json.number);
	assert.equal(view.assignee.id, agentIds[0]);
	assert.equal(view.queue, null);
	await all.done;
	assert.equal(Number(sql(`SELECT open_tickets FROM users WHERE id = ${agentIds[0]}`)), 1);
});

test('a rule that changes the priority on create is routed after; harmless rules let the router choose before the write', async () => {
	resetAgents();
	await warmWorkers();
	// Urgent needs level 4, which nobody has: routed after the rule, the ticket waits in the
	// fallback queue (routed before it, as a normal ticket, it would have gone to an agent).
	let res = await request(slug, 'PUT', '/api/v1/admin/rules', { token: admin, body: { rules: [
		{ name: 'Escalations are urgent', trigger: 'created', conditions: { field: 'subject', op: 'contains', value: 'escalate' },
			actions: [{ type: 'set_priority', value: 'urgent' }] },
	] } });
	assert.equal(res.status, 200, res.text);
	for (let i = 0; i < 4; i++) {
		const made = await raise({ subject: `Please escalate ${i}`, category: 'Printers' });
		assert.equal(made.status, 201, made.text);
		const view = await staffView(made.json.number);
		assert.equal(view.assignee, null, `ticket ${i}`);
		assert.equal(view.queue, 'fallback');
		assert.deepEqual((await timeline(made.json.number)).map((e) => e.kind), ['created', 'rule_fired', 'updated', 'queued']);
	}
	// A tag and a note: the router chooses first and the ticket is written with its agent; the
	// timeline, the open count and the report facts read as before.
	res = await request(slug, 'PUT', '/api/v1/admin/rules', { token: admin, body: { rules: [
		{ name: 'Tag printers', trigger: 'created', conditions: { field: 'category', op: 'equals', value: 'Printers' },
			actions: [{ type: 'add_tag', value: 'printer' }, { type: 'add_note', value: 'Ask for the model.' }] },
	] } });
	assert.equal(res.status, 200, res.text);
	resetAgents();
	await warmWorkers();
	for (let i = 0; i < 4; i++) {
		const made = await raise({ subject: `Jammed ${i}`, category: 'Printers' });
		assert.equal(made.status, 201, made.text);
		assert.equal((await staffView(made.json.number)).assignee.id, agentIds[i], `ticket ${i}`);
		assert.deepEqual((await timeline(made.json.number)).map((e) => e.kind), ['created', 'rule_fired', 'updated', 'note_added', 'assigned']);
		const id = sql(`SELECT id FROM tickets WHERE tenant_id = ${tid} AND number = ${made.json.number}`);
		assert.equal(Number(sql(`SELECT assignee_id FROM report_tickets WHERE tenant_id = ${tid} AND ticket_id = ${id}`)), agentIds[i]);
		assert.equal(Number(sql(`SELECT open_tickets FROM users WHERE id = ${agentIds[i]}`)), 1);
	}
	assert.equal(sql(`SELECT COUNT(*) FROM users WHERE tenant_id = ${tid} AND role = 'agent' AND last_assigned_at IS NOT NULL`), '4');
});

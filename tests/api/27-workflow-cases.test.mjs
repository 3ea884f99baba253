// Cases from the workflow issue, with the right values: a customer's reply on a Resolved ticket
// reopens it within the pipeline's reopen window (same number) and after it starts a new ticket
// that follows the old one; an internal worknote sends nothing to a customer; an agent of team
// Billing never sees a Hardware subject, in the list, the counters or the search.

import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { request, loginFull, uniqueTag, assertFieldError, applyTenant, listAll } from './lib.mjs';

const VAR = process.env.PORTAL_VAR || 'var/test';
const PASS = 'Case-Pass-1234';
const slug = uniqueTag('k').toLowerCase().slice(0, 24);
const WORD = 'ZEBRAFLUX' + uniqueTag('').toUpperCase();
let admin, agent, bill, customer, customerId, tid;

function sql(q) {
	const password = fs.readFileSync(path.join(VAR, 'db.password'), 'utf8').trim();
	return execFileSync('mariadb', ['--socket', path.join(VAR, 'run/mariadb.sock'), '-u', 'portal', `-p${password}`, '-N', '-B', 'portal', '-e', q],
		{ encoding: 'utf8' }).trim();
}

test.before(async () => {
	applyTenant({
		slug, name: 'Casework', time_zone: 'UTC', domains: [],
		branding: { product_name: 'Case Help', issue_word: 'ticket', primary_color: '#1e3a8a', accent_color: '#eff6ff', logo: 'logo.svg' },
		settings: { customers_see_company: false, agents_see_all: false }, companies: ['Client'], default_password: PASS,
		teams: [{ name: 'Hardware', members: ['hal@case.example'] }, { name: 'Billing', members: ['bill@case.example'] }],
		routing: { team: 'Hardware' },
		users: [
			{ email: 'admin@case.example', name: 'Ad Min', role: 'admin' },
			{ email: 'hal@case.example', name: 'Hal Hardware', role: 'agent' },
			{ email: 'bill@case.example', name: 'Bill Billing', role: 'agent' },
			{ email: 'cust@client.example', name: 'Cy Client', role: 'customer', company: 'Client' },
		],
	});
	admin = (await loginFull(slug, 'admin@case.example', PASS)).token;
	agent = (await loginFull(slug, 'hal@case.example', PASS)).token;
	bill = (await loginFull(slug, 'bill@case.example', PASS)).token;
	const c = await loginFull(slug, 'cust@client.example', PASS);
	customer = c.token;
	customerId = c.user.id;
	tid = sql(`SELECT id FROM tenants WHERE slug = '${slug}'`);
});

const raise = async (subject, extra = {}) => {
	const res = await request(slug, 'POST', '/api/v1/tickets', { token: customer, body: { subject, ...extra } });
	assert.equal(res.status, 201, res.text);
	return res.json.number;
};
const resolve = async (n) => {
	const res = await request(slug, 'POST', `/api/v1/tickets/${n}/transitions`, { token: admin, body: { to: 'resolved' } });
	assert.equal(res.status, 200, res.text);
	return res.json;
};
const reply = (n, body) => request(slug, 'POST', `/api/v1/tickets/${n}/notes`, { token: customer, body: { body, visibility: 'public' } });
const get = async (n, token = admin) => (await request(slug, 'GET', `/api/v1/tickets/${n}`, { token })).json;
const countTickets = () => Number(sql(`SELECT COUNT(*) FROM tickets WHERE tenant_id = ${tid}`));

test('a reply within the reopen window reopens the same ticket', async () => {
	const support = (await request(slug, 'GET', '/api/v1/admin/pipelines', { token: admin })).json.data[0];
	assert.equal(support.reopen_days, 14);
	const n = await raise('Printer fixed?');
	await resolve(n);
	const before = countTickets();
	const res = await reply(n, 'It is broken again.');
	assert.equal(res.status, 201, res.text);
	assert.equal(res.json.body, 'It is broken again.');
	const t = await get(n);
	assert.deepEqual([t.number, t.status.key, t.follows], [n, 'in_progress', null]);
	assert.equal(countTickets(), before);
	const tl = (await request(slug, 'GET', `/api/v1/tickets/${n}/timeline`, { token: admin })).json.data;
	const last = tl.filter((e) => e.kind === 'status_changed').at(-1);
	assert.deepEqual([last.data, last.actor.name], [{ from: 'resolved', to: 'in_progress' }, 'Cy Client']);
	// The customer sees the same ticket open again, by its customer-facing name.
	assert.deepEqual((await get(n, customer)).status, { key: 'in_progress', name: 'Being worked on', category: 'active' });
});

test('a reply after the window starts a new ticket that follows the old one', async () => {
	const n = await raise('Toner low');
	await resolve(n);
	sql(`UPDATE tickets SET status_since = UTC_TIMESTAMP(6) - INTERVAL 15 DAY WHERE tenant_id = ${tid} AND number = ${n}`);
	const before = countTickets();
	const res = await reply(n, 'Toner low again, three weeks later.');
	assert.equal(res.status, 201, res.text);
	assert.equal(res.json.follows, n);
	assert.ok(res.json.ticket > n);
	assert.equal(res.headers.location, `/api/v1/tickets/${res.json.ticket}`);
	assert.equal(countTickets(), before + 1);
	const old = await get(n);
	assert.equal(old.status.key, 'resolved');
	const fresh = await get(res.json.ticket, customer);
	assert.deepEqual([fresh.subject, fresh.description, fresh.follows, fresh.status.key, fresh.customer.id],
		['Toner low', 'Toner low again, three weeks later.', n, 'not_started', customerId]);
	const oldEvents = (await request(slug, 'GET', `/api/v1/tickets/${n}/timeline`, { token: admin })).json.data;
	assert.deepEqual(oldEvents.at(-1).kind, 'followed_up');
	assert.deepEqual(oldEvents.at(-1).data, { ticket: res.json.ticket });
	const newEvents = (await request(slug, 'GET', `/api/v1/tickets/${res.json.ticket}/timeline`, { token: admin })).json.data;
	assert.deepEqual(newEvents[0].data, { status: 'not_started', priority: 'normal', follows: n });
	// The old ticket got no note: the reply lives in the new one.
	assert.deepEqual((await request(slug, 'GET', `/api/v1/tickets/${n}/notes`, { token: customer })).json.data, []);

	// A window of 0 days: every reply on a resolved ticket starts a new one; the window is validated.
	const support = (await request(slug, 'GET', '/api/v1/admin/pipelines', { token: admin })).json.data[0];
	const strip = (s) => ({ key: s.key, staff_name: s.staff_name, customer_name: s.customer_name, category: s.category, color: s.color,
		clocks: s.clocks, entry: s.entry, require_note: s.require_note, transitions: s.transitions });
	const put = (extra) => request(slug, 'PUT', `/api/v1/admin/pipelines/${support.id}`, { token: admin, body: { statuses: support.statuses.map(strip), ...extra } });
	assertFieldError(await put({ reopen_days: 366 }), '/reopen_days', 'invalid_value');
	assertFieldError(await put({ reopen_days: -1 }), '/reopen_days', 'invalid_value');
	assert.equal((await put({ reopen_days: 0 })).status, 200);
	const m = await raise('Fan noise');
	await resolve(m);
	const again = await reply(m, 'Still noisy.');
	assert.equal(again.status, 201, again.text);
	assert.equal(again.json.follows, m);
	assert.equal((await put({ reopen_days: 14 })).status, 200);
	// Staff replies never reopen or fork: they are notes on the ticket.
	const staffNote = await request(slug, 'POST', `/api/v1/tickets/${m}/notes`, { token: admin, body: { body: 'Closing remark.', visibility: 'public' } });
	assert.equal(staffNote.status, 201, staffNote.text);
	assert.equal((await get(m)).status.key, 'resolved');
});

test('an internal worknote sends nothing to the customer', async () => {
	const n = await raise('Quiet please');
	const before = sql(`SELECT COUNT(*) FROM notifications WHERE tenant_id = ${tid} AND user_id = ${customerId}`);
	const note = await request(slug, 'POST', `/api/v1/tickets/${n}/notes`, { token: admin, body: { body: 'Internal: check the contract.', visibility: 'internal' } });
	assert.equal(note.status, 201, note.text);
	assert.equal(sql(`SELECT COUNT(*) FROM notifications WHERE tenant_id = ${tid} AND user_id = ${customerId}`), before);
	assert.equal(before, '0');
	assert.deepEqual((await request(slug, 'GET', `/api/v1/tickets/${n}/notes`, { token: customer })).json.data, []);
	assert.ok(!(await request(slug, 'GET', `/api/v1/tickets/${n}`, { token: customer })).text.includes('contract'));
});

test('an agent of team Billing sees no Hardware subject in the list, the counters or the search', async () => {
	// Support belongs to Hardware (from the tenant file); a Billing pipeline belongs to Billing.
	const teams = (await request(slug, 'GET', '/api/v1/admin/teams', { token: admin })).json.data;
	const billingTeam = teams.find((t) => t.name === 'Billing').id;
	const made = await request(slug, 'POST', '/api/v1/admin/pipelines', { token: admin, body: { key: 'billing', name: 'Billing', statuses: [
		{ key: 'open', staff_name: 'Open', customer_name: 'Open', category: 'new', color: '#64748b', entry: true, clocks: ['response', 'communication'], transitions: ['paid'] },
		{ key: 'paid', staff_name: 'Paid', customer_name: 'Paid', category: 'resolved', color: '#16a34a', transitions: ['open'] }] } });
	assert.equal(made.status, 201, made.text);
	const pipelines = (await request(slug, 'GET', '/api/v1/admin/pipelines', { token: admin })).json.data;
	const billingPipeline = pipelines.find((p) => p.key === 'billing');
	const strip = (s) => ({ key: s.key, staff_name: s.staff_name, customer_name: s.customer_name, category: s.category, color: s.color,
		clocks: s.clocks, entry: s.entry, require_note: s.require_note, transitions: s.transitions });
	const owned = await request(slug, 'PUT', `/api/v1/admin/pipelines/${billingPipeline.id}`, { token: admin,
		body: { statuses: billingPipeline.statuses.map(strip), team_id: billingTeam } });
	assert.equal(owned.status, 200, owned.text);
	const cat = await request(slug, 'POST', '/api/v1/admin/categories', { token: admin, body: { name: 'Invoices', skill: 'billing', pipeline: 'billing' } });
	assert.equal(cat.status, 201, cat.text);

	const hw1 = await raise(`Printer ${WORD} smoke`);
	const hw2 = await raise(`Scanner ${WORD} jam`);
	const inv = await raise('Invoice copy please', { category: 'Invoices' });
	assert.equal((await get(inv)).pipeline, 'billing');

	const all = await listAll(slug, bill);
	assert.deepEqual(all.map((t) => t.number), [inv]);
	assert.ok(all.every((t) => !t.subject.includes(WORD)));
	assert.deepEqual((await request(slug, 'GET', `/api/v1/tickets?q=${WORD}`, { token: bill })).json.data, []);
	for (const n of [hw1, hw2]) assert.equal((await request(slug, 'GET', `/api/v1/tickets/${n}`, { token: bill })).status, 404);
	const board = await request(slug, 'GET', '/api/v1/board', { token: bill });
	assert.ok(!board.text.includes(WORD), board.text);
	const open = (lv) => lv.green + lv.amber + lv.red;
	assert.equal(open(board.json.levels[0]), 1, board.text);
	const report = await request(slug, 'GET', '/api/v1/reports/open', { token: bill });
	assert.ok(!report.text.includes(WORD));
	// Hardware's agent does see them, so the word is really there.
	const hal = await request(slug, 'GET', `/api/v1/tickets?q=${WORD}`, { token: agent });
	assert.deepEqual(hal.json.data.map((t) => t.number), [hw2, hw1]);
	const adminBoard = await request(slug, 'GET', '/api/v1/board', { token: admin });
	assert.ok(open(adminBoard.json.levels[0]) > 1);
});

test('a ticket with a team of its own (a category\'s, or set by a rule) is that team\'s, not its pipeline\'s', async () => {
	const teams = (await request(slug, 'GET', '/api/v1/admin/teams', { token: admin })).json.data;
	const billing = teams.find((t) => t.name === 'Billing').id;
	const cat = await request(slug, 'POST', '/api/v1/admin/categories', { token: admin, body: { name: 'Refunds', skill: 'billing', team_id: billing } });
	assert.equal(cat.status, 201, cat.text);
	const rules = await request(slug, 'PUT', '/api/v1/admin/rules', { token: admin, body: { rules: [
		{ name: 'Credit notes to Billing', trigger: 'created', conditions: { field: 'subject', op: 'contains', value: 'credit note' },
			actions: [{ type: 'set_team', value: billing }] }] } });
	assert.equal(rules.status, 200, rules.text);
	const tag = uniqueTag('V');
	const byCategory = await raise(`Refund for order ${tag}`, { category: 'Refunds' });
	const byRule = await raise(`Need a credit note ${tag}`);
	const plain = await raise(`Printer ${tag}`);
	for (const n of [byCategory, byRule, plain]) assert.equal((await get(n)).pipeline, 'support');
	assert.deepEqual((await get(byCategory)).team, { id: billing, name: 'Billing' });
	assert.deepEqual((await get(byRule)).team, { id: billing, name: 'Billing' });
	assert.equal((await get(plain)).team, null);
	const seen = async (token) => (await request(slug, 'GET', `/api/v1/tickets?q=${tag}`, { token })).json.data.map((t) => t.number).sort((a, b) => a - b);
	assert.deepEqual(await seen(bill), [byCategory, byRule]);
	assert.deepEqual(await seen(agent), [plain]);
	assert.equal((await request(slug, 'GET', `/api/v1/tickets/${byRule}`, { token: agent })).status, 404);
	assert.equal((await request(slug, 'GET', `/api/v1/tickets/${plain}`, { token: bill })).status, 404);
	const board = (await request(slug, 'GET', '/api/v1/board', { token: bill })).json;
	assert.equal(board.levels[0].green + board.levels[0].amber + board.levels[0].red, 3); // the invoice and these two
	// Hal cannot be given a Billing ticket; Bill can.
	const t = await get(byCategory);
	const halId = (await request(slug, 'GET', '/api/v1/admin/agents', { token: admin })).json.data.find((u) => u.name === 'Hal Hardware').id;
	const refused = await request(slug, 'PATCH', `/api/v1/tickets/${byCategory}`, { token: admin, body: { assignee_id: halId }, headers: { 'if-match': `"${t.version}"` } });
	assertFieldError(refused, '/assignee_id', 'invalid_value');
	await request(slug, 'PUT', '/api/v1/admin/rules', { token: admin, body: { rules: [] } });
});

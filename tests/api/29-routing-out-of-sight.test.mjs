// Routing a ticket into a team or pipeline its creator does not work in. Where a tenant works by
// team, a category (its team or its pipeline), a rule's set_team / route_by_skill or a move to
// another pipeline can take a ticket out of the sight of the person who made the change. The
// change still happens and is answered: a customer always sees their own ticket; a staff member
// who created it gets 201 with its number and "visible": false; one whose edit or status change
// a rule handed over gets 204. Nothing is rolled back, and nothing of the ticket leaks.

import test from 'node:test';
import assert from 'node:assert/strict';
import { request, loginFull, uniqueTag, assertProblem, assertFieldError, applyTenant } from './lib.mjs';

const slug = uniqueTag('o').toLowerCase().slice(0, 24);
const PASS = 'Sight-Pass-123';
let admin, mona, hana, bill, customer, ids = {};

test.before(async () => {
	applyTenant({
		slug, name: 'Sightline', time_zone: 'UTC', domains: [],
		branding: { product_name: 'Sight Help', issue_word: 'ticket', primary_color: '#1d4ed8', accent_color: '#eff6ff', logo: 'logo.svg' },
		settings: { customers_see_company: false, agents_see_all: false }, companies: ['Client'], default_password: PASS,
		teams: [{ name: 'Hardware', members: ['hana@sight.example', 'mona@sight.example'] }, { name: 'Billing', members: ['bill@sight.example'] }],
		routing: { team: 'Hardware', intake: 'router', manager: 'mona@sight.example' },
		users: [
			{ email: 'admin@sight.example', name: 'Ada Admin', role: 'admin' },
			{ email: 'mona@sight.example', name: 'Mona Manager', role: 'manager' },
			{ email: 'hana@sight.example', name: 'Hana Hardware', role: 'agent', skills: { printers: 3 } },
			{ email: 'bill@sight.example', name: 'Bill Billing', role: 'agent', skills: { billing: 3 } },
			{ email: 'cli@client.example', name: 'Cli Ent', role: 'customer', company: 'Client' },
		],
	});
	const who = async (email) => loginFull(slug, email, PASS);
	const [a, m, h, b, c] = await Promise.all(['admin@sight.example', 'mona@sight.example', 'hana@sight.example',
		'bill@sight.example', 'cli@client.example'].map(who));
	[admin, mona, hana, bill, customer] = [a.token, m.token, h.token, b.token, c.token];
	ids = { hana: h.user.id, bill: b.user.id, customer: c.user.id };
	const teams = (await request(slug, 'GET', '/api/v1/admin/teams', { token: admin })).json.data;
	ids.billing = teams.find((t) => t.name === 'Billing').id;

	// A second pipeline worked by Billing, routed by skill.
	const made = await request(slug, 'POST', '/api/v1/admin/pipelines', { token: admin, body: { key: 'returns', name: 'Returns', intake: 'router', statuses: [
		{ key: 'open', staff_name: 'Open', customer_name: 'We are on it', category: 'new', color: '#64748b', entry: true, transitions: ['done'] },
		{ key: 'done', staff_name: 'Done', customer_name: 'Sorted', category: 'resolved', color: '#16a34a', transitions: ['open'] }] } });
	assert.equal(made.status, 201, made.text);
	const returns = (await request(slug, 'GET', '/api/v1/admin/pipelines', { token: admin })).json.data.find((p) => p.key === 'returns');
	const strip = (s) => ({ key: s.key, staff_name: s.staff_name, customer_name: s.customer_name, category: s.category, color: s.color,
		clocks: s.clocks, entry: s.entry, require_note: s.require_note, transitions: s.transitions });
	const owned = await request(slug, 'PUT', `/api/v1/admin/pipelines/${returns.id}`, { token: admin, body: { statuses: returns.statuses.map(strip), team_id: ids.billing } });
	assert.equal(owned.status, 200, owned.text);
	// Invoices: the default pipeline, but Billing's team; Returns: Billing's pipeline.
	for (const body of [{ name: 'Invoices', skill: 'billing', team_id: ids.billing }, { name: 'Returns', skill: 'billing', pipeline: 'returns' }]) {
		const res = await request(slug, 'POST', '/api/v1/admin/categories', { token: admin, body });
		assert.equal(res.status, 201, res.text);
	}
	const rules = await request(slug, 'PUT', '/api/v1/admin/rules', { token: admin, body: { rules: [
		{ name: 'Refunds to Billing', trigger: 'created', conditions: { all: [{ field: 'subject', op: 'contains', value: 'refund' }] },
			actions: [{ type: 'set_team', value: ids.billing }, { type: 'route_by_skill' }] },
		{ name: 'Hand over on a move', trigger: 'status_changed', conditions: { all: [{ field: 'subject', op: 'contains', value: 'handover' }] },
			actions: [{ type: 'set_team', value: ids.billing }, { type: 'route_by_skill' }] },
		{ name: 'Urgent to Billing', trigger: 'updated', conditions: { all: [{ field: 'priority', op: 'equals', value: 'urgent' }] },
			actions: [{ type: 'set_team', value: ids.billing }, { type: 'route_by_skill' }] },
	] } });
	assert.equal(rules.status, 200, rules.text);
});

const create = (token, body, headers) => request(slug, 'POST', '/api/v1/tickets', { token, body: { description: 'Out of sight.', ...body }, headers });
const asAdmin = async (n) => {
	const res = await request(slug, 'GET', `/api/v1/tickets/${n}`, { token: admin });
	assert.equal(res.status, 200, res.text);
	const t = res.json;
	return [t.pipeline, t.status.key, t.team && t.team.name, t.assignee && t.assignee.name, t.category, t.queue];
};
const status = async (token, n) => (await request(slug, 'GET', `/api/v1/tickets/${n}`, { token })).status;

test('a customer\'s ticket routed into another team or pipeline is created, routed and theirs to see', async () => {
	for (const [category, pipeline, entry, name] of [['Invoices', 'support', 'not_started', 'Received'], ['Returns', 'returns', 'open', 'We are on it']]) {
		const res = await create(customer, { subject: `Question about ${category}`, category });
		assert.equal(res.status, 201, res.text);
		const n = res.json.number;
		assert.equal(res.headers.location, `/api/v1/tickets/${n}`);
		assert.deepEqual(Object.keys(res.json).sort(), ['category', 'company', 'created_at', 'customer', 'description', 'follows',
			'number', 'priority', 'status', 'subject', 'updated_at', 'version']);
		assert.deepEqual([res.json.subject, res.json.category, res.json.status, res.json.customer.id],
			[`Question about ${category}`, category, { key: entry, name, category: 'new' }, ids.customer]);
		assert.deepEqual(await asAdmin(n), [pipeline, entry, category === 'Invoices' ? 'Billing' : null, 'Bill Billing', category, null]);
		const mine = await request(slug, 'GET', `/api/v1/tickets/${n}`, { token: customer });
		assert.equal(mine.status, 200, mine.text);
		assert.deepEqual(mine.json.status, { key: entry, name, category: 'new' });
		assert.ok((await request(slug, 'GET', '/api/v1/tickets', { token: customer })).json.data.some((t) => t.number === n));
		assert.equal(await status(bill, n), 200);
		assert.equal(await status(hana, n), 404);
	}
});

test('staff who raise a ticket that routing hands to another team get 201 with its number only', async () => {
	for (const [token, category, pipeline] of [[hana, 'Invoices', 'support'], [mona, 'Returns', 'returns']]) {
		const key = uniqueTag('k');
		const body = { subject: `Raised for ${category}`, category, customer_id: ids.customer };
		const res = await create(token, body, { 'idempotency-key': key });
		assert.equal(res.status, 201, res.text);
		const n = res.json.number;
		assert.deepEqual(res.json, { number: n, visible: false });
		assert.equal(res.headers.location, `/api/v1/tickets/${n}`);
		assert.equal(res.headers.etag, undefined);
		assert.deepEqual(await asAdmin(n), [pipeline, pipeline === 'support' ? 'not_started' : 'open',
			category === 'Invoices' ? 'Billing' : null, 'Bill Billing', category, null]);
		assertProblem(await request(slug, 'GET', `/api/v1/tickets/${n}`, { token }), 404, 'not_found');
		assert.equal(await status(customer, n), 200);
		// A retry gets the same answer and makes nothing new.
		const again = await create(token, body, { 'idempotency-key': key });
		assert.equal(again.status, 201, again.text);
		assert.equal(again.headers['idempotency-replayed'], 'true');
		assert.deepEqual(again.json, { number: n, visible: false });
	}
	// Naming the other team's pipeline outright stays refused, as before.
	assertFieldError(await create(hana, { subject: 'Direct', pipeline: 'returns', customer_id: ids.customer }), '/pipeline', 'not_found');
	// A ticket that stays in sight is answered whole.
	const plain = await create(hana, { subject: 'Printer jam', customer_id: ids.customer });
	assert.equal(plain.status, 201, plain.text);
	assert.deepEqual([plain.json.team, plain.json.assignee.name, plain.json.visible], [null, 'Hana Hardware', undefined]);
});

test('a rule on create that sets another team and routes: the customer sees it, its staff creator gets its number', async () => {
	const byCustomer = await create(customer, { subject: 'refund for order 7' });
	assert.equal(byCustomer.status, 201, byCustomer.text);
	assert.equal(await status(customer, byCustomer.json.number), 200);
	assert.deepEqual(await asAdmin(byCustomer.json.number), ['support', 'not_started', 'Billing', 'Bill Billing', null, null]);

	const byAgent = await create(hana, { subject: 'refund for order 8', customer_id: ids.customer });
	assert.equal(byAgent.status, 201, byAgent.text);
	assert.deepEqual(byAgent.json, { number: byAgent.json.number, visible: false });
	assert.deepEqual(await asAdmin(byAgent.json.number), ['support', 'not_started', 'Billing', 'Bill Billing', null, null]);
	// Routed once, by the rule: the pipeline's router does not take the ticket a second time.
	const events = (await request(slug, 'GET', `/api/v1/tickets/${byAgent.json.number}/timeline`, { token: admin })).json.data;
	assert.deepEqual(events.map((e) => e.kind), ['created', 'rule_fired', 'updated', 'assigned']);
	assert.deepEqual([events[3].data.from, events[3].data.to, events[3].data.to_name], [null, ids.bill, 'Bill Billing']);
});

test('a status change or an edit whose rule hands the ticket to another team is kept and answered 204', async () => {
	const moved = await create(hana, { subject: 'handover when started', customer_id: ids.customer });
	assert.equal(moved.status, 201, moved.text);
	assert.equal(moved.json.assignee.name, 'Hana Hardware');
	const n = moved.json.number;
	const res = await request(slug, 'POST', `/api/v1/tickets/${n}/transitions`, { token: hana, body: { to: 'in_progress' } });
	assert.equal(res.status, 204, res.text);
	assert.equal(res.text, '');
	assert.deepEqual(await asAdmin(n), ['support', 'in_progress', 'Billing', 'Bill Billing', null, null]);
	assert.equal(await status(hana, n), 404);
	assert.equal(await status(customer, n), 200);

	const edited = await create(hana, { subject: 'Screen flickers', customer_id: ids.customer });
	const patch = await request(slug, 'PATCH', `/api/v1/tickets/${edited.json.number}`, { token: hana,
		headers: { 'if-match': `"${edited.json.version}"` }, body: { priority: 'urgent' } });
	assert.equal(patch.status, 204, patch.text);
	const after = await request(slug, 'GET', `/api/v1/tickets/${edited.json.number}`, { token: admin });
	assert.deepEqual([after.json.priority, after.json.team.name, after.json.assignee.name], ['urgent', 'Billing', 'Bill Billing']);
});

test('moving a ticket to another team\'s pipeline: the admin gets it back, the customer still sees it', async () => {
	const made = await create(customer, { subject: 'Wrong size' });
	assert.equal(made.status, 201, made.text);
	const n = made.json.number;
	// A manager cannot name a pipeline their teams do not work in; nothing changes.
	assertFieldError(await request(slug, 'POST', `/api/v1/tickets/${n}/pipeline`, { token: mona, body: { pipeline: 'returns' } }), '/pipeline', 'not_found');
	assert.deepEqual((await asAdmin(n)).slice(0, 2), ['support', 'not_started']);
	const byAdmin = await request(slug, 'POST', `/api/v1/tickets/${n}/pipeline`, { token: admin, body: { pipeline: 'returns' } });
	assert.equal(byAdmin.status, 200, byAdmin.text);
	assert.deepEqual([byAdmin.json.pipeline, byAdmin.json.status.key], ['returns', 'open']);
	const seen = await request(slug, 'GET', `/api/v1/tickets/${n}`, { token: customer });
	assert.deepEqual([seen.status, seen.json.status.name], [200, 'We are on it']);
	assert.equal(await status(bill, n), 200);
	// Hana still sees it: it is assigned to her.
	assert.equal(await status(hana, n), 200);
	assert.equal(await status(mona, n), 404);
});

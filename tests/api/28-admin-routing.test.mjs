// The tenant admin edits what routing knows, through the API: teams and their members, each
// staff member's skills, levels and capacity, categories (name → pipeline, team, skill), and a
// pipeline's team. Each edit is validated (nothing changes on refusal), only admins may make
// it, another tenant's objects are out of reach, and the router and the new-ticket form follow.

import test from 'node:test';
import assert from 'node:assert/strict';
import { request, loginFull, uniqueTag, assertProblem, assertFieldError, applyTenant, tokenOf } from './lib.mjs';

const slug = uniqueTag('a').toLowerCase().slice(0, 24);
const PASS = 'Admin-Pass-123';
let admin, manager, agent, customer, ids;

test.before(async () => {
	applyTenant({
		slug, name: 'Configco', time_zone: 'UTC', domains: [],
		branding: { product_name: 'Config Help', issue_word: 'ticket', primary_color: '#7c2d12', accent_color: '#fff7ed', logo: 'logo.svg' },
		settings: { customers_see_company: false }, companies: ['Client'], default_password: PASS,
		routing: { intake: 'router', manager: 'boss@config.example', levels: { low: 1, normal: 1, high: 3, urgent: 4 } },
		users: [
			{ email: 'admin@config.example', name: 'Ad Min', role: 'admin' },
			{ email: 'boss@config.example', name: 'Bo Manager', role: 'manager' },
			{ email: 'ana@config.example', name: 'Ana Agent', role: 'agent' },
			{ email: 'ben@config.example', name: 'Ben Agent', role: 'agent' },
			{ email: 'cust@client.example', name: 'Cy Client', role: 'customer', company: 'Client' },
		],
	});
	const a = await loginFull(slug, 'admin@config.example', PASS);
	admin = a.token;
	manager = (await loginFull(slug, 'boss@config.example', PASS)).token;
	const ana = await loginFull(slug, 'ana@config.example', PASS);
	agent = ana.token;
	const c = await loginFull(slug, 'cust@client.example', PASS);
	customer = c.token;
	const ben = await loginFull(slug, 'ben@config.example', PASS);
	ids = { admin: a.user.id, ana: ana.user.id, ben: ben.user.id, customer: c.user.id };
});

const call = (method, path, body, token = admin) => request(slug, method, `/api/v1/admin/${path}`, { token, body });

test('teams: created, renamed, members replaced; validated; admins only', async () => {
	const made = await call('POST', 'teams', { name: 'Billing', members: [ids.ana] });
	assert.equal(made.status, 201, made.text);
	assert.equal(made.headers.location, `/api/v1/admin/teams/${made.json.id}`);
	assert.deepEqual(made.json, { id: made.json.id, name: 'Billing', members: [{ id: ids.ana, name: 'Ana Agent' }], pipelines: [] });
	ids.billing = made.json.id;
	const hw = await call('POST', 'teams', { name: 'Hardware', members: [ids.ben] });
	assert.equal(hw.status, 201, hw.text);
	ids.hardware = hw.json.id;

	assertFieldError(await call('POST', 'teams', { name: 'Billing' }), '/name', 'taken');
	assertFieldError(await call('POST', 'teams', { name: '' }), '/name', 'too_short');
	assertFieldError(await call('POST', 'teams', { name: 'x'.repeat(61) }), '/name', 'too_long');
	assertFieldError(await call('POST', 'teams', { name: 'Cust', members: [ids.customer] }), '/members/0', 'not_found');
	assertFieldError(await call('POST', 'teams', { name: 'Bad', members: ['ana'] }), '/members/0', 'invalid_type');
	assertFieldError(await call('POST', 'teams', { name: 'Bad', members: 3 }), '/members', 'invalid_type');
	assertFieldError(await call('POST', 'teams', { name: 'Big', members: Array(201).fill(ids.ana) }), '/members', 'too_long');
	assertFieldError(await call('POST', 'teams', { name: 'X', extra: 1 }), '/extra', 'unknown_field');

	const renamed = await call('PUT', `teams/${ids.billing}`, { name: 'Billing & Accounts', members: [ids.ana, ids.admin] });
	assert.equal(renamed.status, 200, renamed.text);
	assert.deepEqual(renamed.json.members.map((m) => m.name), ['Ad Min', 'Ana Agent']);
	assertFieldError(await call('PUT', `teams/${ids.billing}`, { name: 'Hardware' }), '/name', 'taken');
	assertProblem(await call('PUT', 'teams/999999', { name: 'Nobody' }), 404, 'not_found');
	for (const token of [manager, agent, customer]) {
		assertProblem(await call('POST', 'teams', { name: 'Sneaky' }, token), 403, 'forbidden');
		assertProblem(await call('PUT', `teams/${ids.billing}`, { name: 'Sneaky' }, token), 403, 'forbidden');
		assertProblem(await call('GET', 'teams', undefined, token), 403, 'forbidden');
	}
	const list = await call('GET', 'teams');
	assert.deepEqual(list.json.data.map((t) => [t.name, t.members.length]), [['Billing & Accounts', 2], ['Hardware', 1]]);
	// Without members the list stays as it is.
	const same = await call('PUT', `teams/${ids.billing}`, { name: 'Billing' });
	assert.deepEqual(same.json.members.map((m) => m.name), ['Ad Min', 'Ana Agent']);
});

test('agents: skills with levels and a capacity, replaced whole; validated; admins only', async () => {
	const set = await call('PUT', `agents/${ids.ana}`, { skills: { printers: 4, billing: 2 }, capacity: 8 });
	assert.equal(set.status, 200, set.text);
	assert.deepEqual(set.json, { id: ids.ana, name: 'Ana Agent', email: 'ana@config.example', role: 'agent', capacity: 8,
		availability: 'available', skills: { billing: 2, printers: 4 }, teams: ['Billing'] });
	const ben = await call('PUT', `agents/${ids.ben}`, { skills: { printers: 5 } });
	assert.equal(ben.status, 200, ben.text);
	assert.equal(ben.json.capacity, 10);

	assertFieldError(await call('PUT', `agents/${ids.ana}`, { skills: { printers: 6 } }), '/skills/printers', 'invalid_value');
	assertFieldError(await call('PUT', `agents/${ids.ana}`, { skills: { printers: 0 } }), '/skills/printers', 'invalid_value');
	assertFieldError(await call('PUT', `agents/${ids.ana}`, { skills: { printers: '4' } }), '/skills/printers', 'invalid_value');
	assertFieldError(await call('PUT', `agents/${ids.ana}`, { skills: { ['s'.repeat(61)]: 1 } }), `/skills/${'s'.repeat(60)}`, 'invalid_value');
	const many = Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`skill${i}`, 1]));
	assertFieldError(await call('PUT', `agents/${ids.ana}`, { skills: many }), '/skills', 'too_long');
	assertFieldError(await call('PUT', `agents/${ids.ana}`, { skills: {}, capacity: -1 }), '/capacity', 'invalid_value');
	assertFieldError(await call('PUT', `agents/${ids.ana}`, { skills: {}, capacity: 10001 }), '/capacity', 'invalid_value');
	assertFieldError(await call('PUT', `agents/${ids.ana}`, { capacity: 3 }), '/skills', 'required');
	assertProblem(await call('PUT', `agents/${ids.customer}`, { skills: {} }), 404, 'not_found');
	for (const token of [manager, agent]) assertProblem(await call('PUT', `agents/${ids.ana}`, { skills: {} }, token), 403, 'forbidden');
	// Nothing changed by the refusals.
	const list = await call('GET', 'agents');
	const ana = list.json.data.find((u) => u.id === ids.ana);
	assert.deepEqual([ana.skills, ana.capacity], [{ billing: 2, printers: 4 }, 8]);
	assert.deepEqual(list.json.data.map((u) => u.name), ['Ad Min', 'Ana Agent', 'Ben Agent', 'Bo Manager']);
});

test('categories: name → pipeline, team, skill; validated; the router and the form follow', async () => {
	const returns = await call('POST', 'pipelines', { key: 'returns', name: 'Returns', statuses: [
		{ key: 'open', staff_name: 'Open', customer_name: 'Open', category: 'new', color: '#64748b', entry: true, transitions: ['done'] },
		{ key: 'done', staff_name: 'Done', customer_name: 'Done', category: 'resolved', color: '#16a34a', transitions: ['open'] }] });
	assert.equal(returns.status, 201, returns.text);
	const printers = await call('POST', 'categories', { name: 'Printers', skill: 'printers', team_id: ids.hardware });
	assert.equal(printers.status, 201, printers.text);
	assert.deepEqual(printers.json, { id: printers.json.id, name: 'Printers', skill: 'printers', pipeline: 'support',
		team: { id: ids.hardware, name: 'Hardware' } });
	const ret = await call('POST', 'categories', { name: 'Return an item', skill: 'billing', pipeline: 'returns' });
	assert.equal(ret.status, 201, ret.text);
	assert.deepEqual([ret.json.pipeline, ret.json.team], ['returns', null]);

	assertFieldError(await call('POST', 'categories', { name: 'Printers', skill: 'x' }), '/name', 'taken');
	assertFieldError(await call('POST', 'categories', { name: 'P2', skill: 'x', pipeline: 'nope' }), '/pipeline', 'not_found');
	assertFieldError(await call('POST', 'categories', { name: 'P3', skill: 'x', team_id: 999999 }), '/team_id', 'not_found');
	assertFieldError(await call('POST', 'categories', { name: 'P4' }), '/skill', 'required');
	assertFieldError(await call('POST', 'categories', { name: 'c'.repeat(61), skill: 'x' }), '/name', 'too_long');
	assertProblem(await call('PUT', 'categories/999999', { name: 'Gone', skill: 'x' }), 404, 'not_found');
	for (const token of [manager, agent, customer]) assertProblem(await call('POST', 'categories', { name: 'Mine', skill: 'x' }, token), 403, 'forbidden');
	assert.deepEqual((await call('GET', 'categories')).json.data.map((c) => c.name), ['Printers', 'Return an item']);

	// The form's list: names for customers, pipeline and skill for staff.
	assert.deepEqual((await request(slug, 'GET', '/api/v1/categories', { token: customer })).json.data,
		[{ name: 'Printers' }, { name: 'Return an item' }]);
	assert.deepEqual((await request(slug, 'GET', '/api/v1/categories', { token: agent })).json.data,
		[{ name: 'Printers', pipeline: 'support', skill: 'printers' }, { name: 'Return an item', pipeline: 'returns', skill: 'billing' }]);

	// Printers belongs to Hardware: Ben (printers 5, Hardware) gets it, not Ana (printers 4, Billing).
	const p = await request(slug, 'POST', '/api/v1/tickets', { token: customer, body: { subject: 'Jam', category: 'Printers' } });
	assert.equal(p.status, 201, p.text);
	const staffView = await request(slug, 'GET', `/api/v1/tickets/${p.json.number}`, { token: admin });
	assert.equal(staffView.json.assignee.name, 'Ben Agent');
	assert.equal(staffView.json.pipeline, 'support');
	// A customer's category takes the ticket to its pipeline.
	const r = await request(slug, 'POST', '/api/v1/tickets', { token: customer, body: { subject: 'Wrong size', category: 'Return an item' } });
	assert.equal(r.status, 201, r.text);
	const rv = await request(slug, 'GET', `/api/v1/tickets/${r.json.number}`, { token: admin });
	assert.deepEqual([rv.json.pipeline, rv.json.status.key, rv.json.category], ['returns', 'open', 'Return an item']);

	// Edited: the team cleared, the pipeline back to the default; the router now looks at everyone.
	const edited = await call('PUT', `categories/${printers.json.id}`, { name: 'Printers', skill: 'printers', team_id: null, pipeline: null });
	assert.equal(edited.status, 200, edited.text);
	assert.deepEqual([edited.json.pipeline, edited.json.team], ['support', null]);
	assertFieldError(await call('PUT', `categories/${printers.json.id}`, { name: 'Return an item', skill: 'x' }), '/name', 'taken');
});

test('a pipeline gets a team from the admin; an unknown team is refused', async () => {
	const list = await call('GET', 'pipelines');
	const support = list.json.data.find((p) => p.key === 'support');
	assert.equal(support.team_id, null);
	const strip = (s) => ({ key: s.key, staff_name: s.staff_name, customer_name: s.customer_name, category: s.category, color: s.color,
		clocks: s.clocks, entry: s.entry, require_note: s.require_note, transitions: s.transitions });
	assertFieldError(await call('PUT', `pipelines/${support.id}`, { statuses: support.statuses.map(strip), team_id: 999999 }), '/team_id', 'not_found');
	const ok = await call('PUT', `pipelines/${support.id}`, { statuses: support.statuses.map(strip), team_id: ids.hardware });
	assert.equal(ok.status, 200, ok.text);
	const teams = await call('GET', 'teams');
	assert.deepEqual(teams.json.data.find((t) => t.id === ids.hardware).pipelines, ['support']);
	assert.equal((await call('GET', 'pipelines')).json.data.find((p) => p.key === 'support').team_id, ids.hardware);
});

test('another tenant\'s teams, agents and categories are out of reach', async () => {
	const globexAdmin = await tokenOf('globex', 'admin@globex.example');
	assertProblem(await request('globex', 'PUT', `/api/v1/admin/teams/${ids.billing}`, { token: globexAdmin, body: { name: 'Taken over' } }), 404, 'not_found');
	assertProblem(await request('globex', 'PUT', `/api/v1/admin/agents/${ids.ana}`, { token: globexAdmin, body: { skills: {} } }), 404, 'not_found');
	const cats = (await call('GET', 'categories')).json.data;
	assertProblem(await request('globex', 'PUT', `/api/v1/admin/categories/${cats[0].id}`, { token: globexAdmin, body: { name: 'X', skill: 'x' } }), 404, 'not_found');
	// A team of this tenant cannot be named in another's category or pipeline, nor its staff in a team.
	assertFieldError(await request('globex', 'POST', '/api/v1/admin/categories', { token: globexAdmin, body: { name: uniqueTag('C'), skill: 'x', team_id: ids.billing } }), '/team_id', 'not_found');
	assertFieldError(await request('globex', 'POST', '/api/v1/admin/teams', { token: globexAdmin, body: { name: uniqueTag('T'), members: [ids.ana] } }), '/members/0', 'not_found');
	const listed = await request('globex', 'GET', '/api/v1/admin/teams', { token: globexAdmin });
	assert.ok(!listed.text.includes('Billing & Accounts') && !listed.text.includes('Ana Agent'));
	const agents = await request('globex', 'GET', '/api/v1/admin/agents', { token: globexAdmin });
	assert.ok(!agents.text.includes('ana@config.example'));
	// Unchanged here.
	assert.equal((await call('GET', 'teams')).json.data.find((t) => t.id === ids.billing).name, 'Billing');
	assert.deepEqual((await call('GET', 'agents')).json.data.find((u) => u.id === ids.ana).skills, { billing: 2, printers: 4 });
});

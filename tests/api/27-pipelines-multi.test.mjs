// More than one pipeline per tenant: the admin creates one (Returns), staff raise tickets in it,
// a manager moves tickets between pipelines. An open ticket lands in the target's entry status
// (or the status named); a closed ticket stays closed, keeps the instant it closed, starts no
// clock and changes no open count. Another tenant's pipelines and tickets are out of reach.

import test from 'node:test';
import assert from 'node:assert/strict';
import { request, loginFull, uniqueTag, assertProblem, assertFieldError, applyTenant, tokenOf } from './lib.mjs';

const slug = uniqueTag('m').toLowerCase().slice(0, 24);
const PASS = 'Multi-Pass-123';
let admin, manager, agent, customer, customerId;

const RETURNS = [
	{ key: 'received', staff_name: 'Return received', customer_name: 'We have your request', category: 'new', color: '#64748b',
		clocks: ['response', 'communication'], entry: true, require_note: false, transitions: ['inspecting', 'refunded'] },
	{ key: 'inspecting', staff_name: 'Inspecting item', customer_name: 'Being checked', category: 'active', color: '#2563eb',
		clocks: ['response', 'communication'], entry: false, require_note: false, transitions: ['refunded', 'closed'] },
	{ key: 'refunded', staff_name: 'Refunded', customer_name: 'Refunded', category: 'resolved', color: '#16a34a',
		clocks: [], entry: false, require_note: false, transitions: ['inspecting', 'closed'] },
	{ key: 'closed', staff_name: 'Closed', customer_name: 'Closed', category: 'closed', color: '#334155',
		clocks: [], entry: false, require_note: false, transitions: [] },
];

test.before(async () => {
	applyTenant({
		slug, name: 'Multiflow', time_zone: 'UTC', domains: [],
		branding: { product_name: 'Multiflow Help', issue_word: 'ticket', primary_color: '#0f766e', accent_color: '#f0fdfa', logo: 'logo.svg' },
		settings: { customers_see_company: false }, companies: ['Buyer'], default_password: PASS,
		users: [
			{ email: 'admin@multi.example', name: 'Mo Admin', role: 'admin' },
			{ email: 'manager@multi.example', name: 'Mia Manager', role: 'manager' },
			{ email: 'agent@multi.example', name: 'Max Agent', role: 'agent' },
			{ email: 'cust@buyer.example', name: 'Bea Buyer', role: 'customer', company: 'Buyer' },
		],
	});
	admin = (await loginFull(slug, 'admin@multi.example', PASS)).token;
	manager = (await loginFull(slug, 'manager@multi.example', PASS)).token;
	agent = (await loginFull(slug, 'agent@multi.example', PASS)).token;
	const c = await loginFull(slug, 'cust@buyer.example', PASS);
	customer = c.token;
	customerId = c.user.id;
});

const create = (body, token = admin) => request(slug, 'POST', '/api/v1/admin/pipelines', { token, body });
const newTicket = async (extra = {}, token = agent) => {
	const res = await request(slug, 'POST', '/api/v1/tickets', { token, body: { subject: uniqueTag('M'), customer_id: customerId, ...extra } });
	assert.equal(res.status, 201, res.text);
	return res.json;
};
const movePipeline = (n, body, token = manager) => request(slug, 'POST', `/api/v1/tickets/${n}/pipeline`, { token, body });
const transition = (n, to, token = agent) => request(slug, 'POST', `/api/v1/tickets/${n}/transitions`, { token, body: { to } });

test('the admin creates a second pipeline; staff see it and its statuses at once', async () => {
	const res = await create({ key: 'returns', name: 'Returns', intake: 'manual', statuses: RETURNS });
	assert.equal(res.status, 201, res.text);
	assert.equal(res.json.key, 'returns');
	assert.equal(res.json.statuses, 4);
	assert.equal(res.headers.location, `/api/v1/admin/pipelines/${res.json.id}`);
	const list = await request(slug, 'GET', '/api/v1/admin/pipelines', { token: admin });
	assert.deepEqual(list.json.data.map((p) => [p.key, p.name, p.default, p.statuses.length]), [
		['support', 'Support', true, 5], ['returns', 'Returns', false, 4]]);
	const returns = list.json.data[1];
	assert.deepEqual(returns.statuses.map((s) => [s.key, s.entry, s.transitions.join('+'), s.tickets]), [
		['received', true, 'inspecting+refunded', 0], ['inspecting', false, 'refunded+closed', 0],
		['refunded', false, 'inspecting+closed', 0], ['closed', false, '', 0]]);
	for (let i = 0; i < 6; i++) {
		const st = await request(slug, 'GET', '/api/v1/statuses?pipeline=returns', { token: agent });
		assert.equal(st.status, 200, st.text);
		assert.equal(st.json.pipeline, 'returns');
		assert.deepEqual(st.json.data.map((s) => s.key), ['received', 'inspecting', 'refunded', 'closed']);
		assert.deepEqual(st.json.pipelines, [{ key: 'support', name: 'Support', default: true }, { key: 'returns', name: 'Returns', default: false }]);
	}
	// Without the parameter the answer is the default pipeline, as before.
	assert.equal((await request(slug, 'GET', '/api/v1/statuses', { token: agent })).json.pipeline, 'support');
	assertProblem(await request(slug, 'GET', '/api/v1/statuses?pipeline=nope', { token: agent }), 400, 'invalid_parameter');
});

test('a new pipeline is validated whole and its key is unique; nothing is stored on refusal', async () => {
	assertFieldError(await create({ key: 'returns', name: 'Again', statuses: RETURNS }), '/key', 'taken');
	assertFieldError(await create({ key: 'Bad Key', name: 'Bad', statuses: RETURNS }), '/key', 'invalid_value');
	assertFieldError(await create({ key: 'x'.repeat(41), name: 'Long', statuses: RETURNS }), '/key', 'too_long');
	assertFieldError(await create({ key: 'noname', statuses: RETURNS }), '/name', 'required');
	const noEnd = RETURNS.slice(0, 2).map((s) => ({ ...s, transitions: s.key === 'received' ? ['inspecting'] : [] }));
	const bad = await create({ key: 'broken', name: 'Broken', statuses: noEnd });
	assertFieldError(bad, '/statuses', 'invalid_value');
	assert.match(bad.text, /at least one resolved or closed status/);
	assertFieldError(await create({ key: 'empty', name: 'Empty', statuses: [] }), '/statuses', 'invalid_value');
	assertProblem(await create({ key: 'agentmade', name: 'Agent', statuses: RETURNS }, agent), 403, 'forbidden');
	assertProblem(await create({ key: 'mgrmade', name: 'Manager', statuses: RETURNS }, manager), 403, 'forbidden');
	const list = await request(slug, 'GET', '/api/v1/admin/pipelines', { token: admin });
	assert.deepEqual(list.json.data.map((p) => p.key), ['support', 'returns']);
});

test('staff raise a ticket in a named pipeline; customers cannot name one', async () => {
	const t = await newTicket({ pipeline: 'returns' });
	assert.equal(t.pipeline, 'returns');
	assert.deepEqual(t.status, { key: 'received', name: 'Return received', category: 'new', color: '#64748b' });
	const seen = await request(slug, 'GET', `/api/v1/tickets/${t.number}`, { token: customer });
	assert.equal(seen.status, 200);
	assert.deepEqual(seen.json.status, { key: 'received', name: 'We have your request', category: 'new' });
	assert.equal(seen.json.pipeline, undefined);
	assertFieldError(await request(slug, 'POST', '/api/v1/tickets', { token: customer, body: { subject: 'x', pipeline: 'returns' } }), '/pipeline', 'invalid_value');
	assertFieldError(await request(slug, 'POST', '/api/v1/tickets', { token: agent, body: { subject: 'x', customer_id: customerId, pipeline: 'nope' } }), '/pipeline', 'not_found');
	// A move within it follows its own statuses.
	assert.equal((await transition(t.number, 'inspecting')).json.status.key, 'inspecting');
	assert.equal((await transition(t.number, 'not_started')).status, 422);
});

test('an open ticket moved to another pipeline lands in its entry status; the move is on the timeline', async () => {
	const t = await newTicket();
	assert.equal(t.pipeline, 'support');
	assert.equal((await transition(t.number, 'in_progress')).status, 200);
	const res = await movePipeline(t.number, { pipeline: 'returns' });
	assert.equal(res.status, 200, res.text);
	assert.equal(res.json.pipeline, 'returns');
	assert.equal(res.json.status.key, 'received');
	assert.equal(res.json.version, t.version + 2);
	assert.equal(res.headers.etag, `"${t.version + 2}"`);
	const tl = await request(slug, 'GET', `/api/v1/tickets/${t.number}/timeline`, { token: agent });
	const ev = tl.json.data.at(-1);
	assert.equal(ev.kind, 'pipeline_changed');
	assert.deepEqual(ev.data, { from_pipeline: 'support', to_pipeline: 'returns', from: 'in_progress', to: 'received' });
	assert.equal(ev.actor.name, 'Mia Manager');
	// A named target status; an open ticket cannot be closed this way.
	const back = await movePipeline(t.number, { pipeline: 'support', status: 'in_progress' }, admin);
	assert.equal(back.status, 200, back.text);
	assert.equal(back.json.status.key, 'in_progress');
	assertFieldError(await movePipeline(t.number, { pipeline: 'returns', status: 'closed' }), '/status', 'invalid_value');
	assertFieldError(await movePipeline(t.number, { pipeline: 'returns', status: 'nope' }), '/status', 'invalid_value');
	assertFieldError(await movePipeline(t.number, { pipeline: 'support' }), '/pipeline', 'invalid_value');
	assertFieldError(await movePipeline(t.number, { pipeline: 'nope' }), '/pipeline', 'not_found');
	assertFieldError(await movePipeline(t.number, {}), '/pipeline', 'required');
	assertProblem(await movePipeline(t.number, { pipeline: 'returns' }, agent), 403, 'forbidden');
	assertProblem(await movePipeline(t.number, { pipeline: 'returns' }, customer), 403, 'forbidden');
	assertProblem(await request(slug, 'POST', `/api/v1/tickets/${t.number}/pipeline`,
		{ token: manager, body: { pipeline: 'returns' }, headers: { 'if-match': '"1"' } }), 412, 'precondition_failed');
	assert.equal((await movePipeline(t.number, { pipeline: 'returns' })).status, 200);
	const after = await request(slug, 'GET', `/api/v1/tickets/${t.number}`, { token: agent });
	assert.equal(after.json.pipeline, 'returns');
	assert.equal(after.json.status.key, 'received');
});

test('a closed ticket moved by a manager stays closed: same closed time, no clock, same open counts', async () => {
	const t = await newTicket({ pipeline: 'returns' });
	assert.equal((await transition(t.number, 'inspecting')).status, 200);
	const closed = await transition(t.number, 'closed');
	assert.equal(closed.status, 200, closed.text);
	assert.equal(closed.json.status.category, 'closed');
	const closedAt = closed.json.status_since;
	assert.match(closedAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
	for (const l of Object.values(closed.json.lights)) assert.deepEqual([l.colour, l.running], ['off', false]);
	const openBefore = (await request(slug, 'GET', '/api/v1/reports/open', { token: manager })).json.data;
	const boardBefore = (await request(slug, 'GET', '/api/v1/board', { token: manager })).json.levels;
	await new Promise((r) => setTimeout(r, 1100)); // a new status_since would show another second

	const res = await movePipeline(t.number, { pipeline: 'support' });
	assert.equal(res.status, 200, res.text);
	assert.equal(res.json.pipeline, 'support');
	// Support has no closed status: its resolved one is where a finished ticket stays finished.
	assert.deepEqual(res.json.status, { key: 'resolved', name: 'Resolved', category: 'resolved', color: '#16a34a' });
	assert.equal(res.json.status_since, closedAt);
	for (const l of Object.values(res.json.lights)) assert.deepEqual([l.colour, l.running, l.started_at], ['off', false, null]);
	assert.deepEqual((await request(slug, 'GET', '/api/v1/reports/open', { token: manager })).json.data, openBefore);
	assert.deepEqual((await request(slug, 'GET', '/api/v1/board', { token: manager })).json.levels, boardBefore);
	// An open status is refused for it; moving it back names the closed status explicitly.
	assertFieldError(await movePipeline(t.number, { pipeline: 'returns', status: 'inspecting' }), '/status', 'invalid_value');
	const back = await movePipeline(t.number, { pipeline: 'returns', status: 'closed' });
	assert.equal(back.status, 200, back.text);
	assert.equal(back.json.status.key, 'closed');
	assert.equal(back.json.status_since, closedAt);
	const kinds = (await request(slug, 'GET', `/api/v1/tickets/${t.number}/timeline`, { token: agent })).json.data.map((e) => e.kind);
	assert.deepEqual(kinds.filter((k) => k === 'pipeline_changed' || k === 'status_changed'),
		['status_changed', 'status_changed', 'pipeline_changed', 'pipeline_changed']);
});

test('another tenant cannot reach these pipelines or tickets, nor these its own', async () => {
	const t = await newTicket({ pipeline: 'returns' });
	const globexAdmin = await tokenOf('globex', 'admin@globex.example');
	// acme's ticket numbers and pipeline keys mean nothing here, and the reverse.
	const foreign = await request('globex', 'POST', `/api/v1/tickets/${t.number}/pipeline`, { token: globexAdmin, body: { pipeline: 'returns' } });
	assert.ok([404, 422].includes(foreign.status), foreign.text);
	const acmeAdmin = await tokenOf('acme', 'admin@acme.example');
	const acmeStatuses = await request('acme', 'GET', '/api/v1/statuses?pipeline=returns', { token: acmeAdmin });
	assertProblem(acmeStatuses, 400, 'invalid_parameter');
	assert.ok(!(await request('acme', 'GET', '/api/v1/admin/pipelines', { token: acmeAdmin })).text.includes('Return received'));
	// A token of this tenant sent to another tenant's host is refused outright.
	assertProblem(await request('globex', 'POST', '/api/v1/admin/pipelines', { token: admin, body: { key: 'x', name: 'X', statuses: RETURNS } }), 401, 'unauthorized');
	const still = await request(slug, 'GET', `/api/v1/tickets/${t.number}`, { token: agent });
	assert.equal(still.json.pipeline, 'returns');
});

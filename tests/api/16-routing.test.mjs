// Skill-based assignment on tenants of their own: the router's choice and its reason on the
// timeline, availability, capacity under concurrent creates, the fallback queue with the
// manager notified, and triage intake.

import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request, loginFull, uniqueTag, assertProblem, assertFieldError, applyTenant } from './lib.mjs';

const VAR = process.env.PORTAL_VAR || 'var/test';
const CTL = process.env.PORTALCTL_BIN || 'build/portalctl';
const PASS = 'Route-Pass-123';

function makeTenant(intake, agents) {
	const slug = uniqueTag('r').toLowerCase().slice(0, 24);
	applyTenant({
		slug, name: 'Router Co', time_zone: 'UTC', domains: [],
		branding: { product_name: 'Router Help', issue_word: 'ticket', primary_color: '#0e7490', accent_color: '#ecfeff', logo: 'logo.svg' },
		settings: { customers_see_company: false }, companies: ['Client'], default_password: PASS,
		routing: { intake, manager: 'boss@router.example', levels: { low: 1, normal: 2, high: 3, urgent: 4 },
			categories: [{ name: 'Printers', skill: 'printers' }, { name: 'Billing', skill: 'billing' }] },
		users: [
			{ email: 'boss@router.example', name: 'Bo Manager', role: 'manager' },
			...agents.map((a) => ({ role: 'agent', ...a })),
			{ email: 'client@client.example', name: 'Cli Ent', role: 'customer', company: 'Client' },
		],
	});
	return slug;
}

async function raise(slug, token, fields) {
	const res = await request(slug, 'POST', '/api/v1/tickets', { token, body: { subject: `${uniqueTag('R')} routed`, ...fields } });
	assert.equal(res.status, 201, res.text);
	return res.json;
}

test('the router picks by skill, load and waiting time, and says why', async () => {
	const slug = makeTenant('router', [
		{ email: 'ana@router.example', name: 'Ana', skills: { printers: 4 }, capacity: 8 },
		{ email: 'ben@router.example', name: 'Ben', skills: { printers: 5 }, capacity: 8 },
		{ email: 'cem@router.example', name: 'Cem', skills: { printers: 2 }, capacity: 8 },
	]);
	const customer = await loginFull(slug, 'client@client.example', PASS);
	// Ana and Ben get two open tickets each, Ben's earlier: a high printer ticket then needs
	// level 3 (Cem has 2) and goes to Ben, who has waited longer.
	const first = await raise(slug, customer.token, { category: 'Printers', priority: 'high' });
	assert.equal(first.assignee, undefined, 'customers do not see the assignee');
	const boss = (await loginFull(slug, 'boss@router.example', PASS)).token;
	const seen = (await request(slug, 'GET', `/api/v1/tickets/${first.number}`, { token: boss })).json;
	assert.equal(seen.category, 'Printers');
	assert.equal(seen.queue, null);
	// Never assigned before: the lower user id wins the tie between Ana and Ben.
	assert.equal(seen.assignee.name, 'Ana');
	const timeline = (await request(slug, 'GET', `/api/v1/tickets/${first.number}/timeline`, { token: boss })).json.data;
	const assigned = timeline.find((e) => e.kind === 'assigned');
	assert.equal(assigned.data.reason, 'assigned to Ana: skill printers 4 ≥ 3, 0 open of 8');
	assert.equal(assigned.actor, null, 'the router assigns, not the customer');

	const second = await raise(slug, customer.token, { category: 'Printers', priority: 'high' });
	const s = (await request(slug, 'GET', `/api/v1/tickets/${second.number}`, { token: boss })).json;
	assert.equal(s.assignee.name, 'Ben', 'fewest open: Ben has none');

	// Ben goes away: the next goes to Ana even though Ben has fewer... both have one; Ana waited longer anyway.
	const ben = (await loginFull(slug, 'ben@router.example', PASS)).token;
	const away = await request(slug, 'PATCH', '/api/v1/me', { token: ben, body: { availability: 'away' } });
	assert.equal(away.status, 200, away.text);
	assert.deepEqual(away.json, { availability: 'away', capacity: 8 });
	for (let i = 0; i < 2; i++) {
		const t = await raise(slug, customer.token, { category: 'Printers', priority: 'high' });
		assert.equal((await request(slug, 'GET', `/api/v1/tickets/${t.number}`, { token: boss })).json.assignee.name, 'Ana');
	}
	assertFieldError(await request(slug, 'POST', '/api/v1/tickets', { token: customer.token, body: { subject: 'x', category: 'Plumbing' } }), '/category', 'not_found');
	assertFieldError(await request(slug, 'PATCH', '/api/v1/me', { token: ben, body: { availability: 'asleep' } }), '/availability', 'invalid_value');
	assertProblem(await request(slug, 'PATCH', '/api/v1/me', { token: customer.token, body: { availability: 'away' } }), 403, 'forbidden');
});

test('load spreads evenly, capacity holds under concurrent creates, and the rest waits in the fallback queue', async () => {
	const slug = makeTenant('router', [
		{ email: 'ana@router.example', name: 'Ana', skills: { billing: 3 }, capacity: 3 },
		{ email: 'ben@router.example', name: 'Ben', skills: { billing: 3 }, capacity: 3 },
		{ email: 'cem@router.example', name: 'Cem', skills: { billing: 3 }, capacity: 3, availability: 'away' },
	]);
	const customer = await loginFull(slug, 'client@client.example', PASS);
	const boss = (await loginFull(slug, 'boss@router.example', PASS)).token;
	// Eight at once: six places (Ana 3, Ben 3), Cem is away; two must wait.
	const made = await Promise.all(Array.from({ length: 8 }, () => raise(slug, customer.token, { category: 'Billing' })));
	const views = await Promise.all(made.map((t) => request(slug, 'GET', `/api/v1/tickets/${t.number}`, { token: boss })));
	const byName = {};
	for (const v of views) {
		const who = v.json.assignee ? v.json.assignee.name : `queue:${v.json.queue}`;
		byName[who] = (byName[who] || 0) + 1;
	}
	assert.deepEqual(byName, { Ana: 3, Ben: 3, 'queue:fallback': 2 });
	const queued = await request(slug, 'GET', '/api/v1/tickets?queue=fallback', { token: boss });
	assert.equal(queued.json.data.length, 2);
	const inbox = await request(slug, 'GET', '/api/v1/notifications', { token: boss });
	assert.equal(inbox.json.data.length, 2);
	assert.match(inbox.json.data[0].message, /waits in the fallback queue: no available agent with billing 2 or more/);
	// Assigning by hand takes it out of the queue.
	const one = queued.json.data[0];
	const users = (await request(slug, 'GET', '/api/v1/users?role=agent', { token: boss })).json.data;
	const cem = users.find((u) => u.name === 'Cem');
	const res = await request(slug, 'PATCH', `/api/v1/tickets/${one.number}`, { token: boss, headers: { 'if-match': `"${one.version}"` }, body: { assignee_id: cem.id } });
	assert.equal(res.status, 200, res.text);
	assert.equal(res.json.queue, null);
	assert.equal((await request(slug, 'GET', '/api/v1/tickets?queue=fallback', { token: boss })).json.data.length, 1);
});

test('triage intake: new tickets wait for the manager, who is told', async () => {
	const slug = makeTenant('triage', [{ email: 'ana@router.example', name: 'Ana', skills: { printers: 5 } }]);
	const customer = await loginFull(slug, 'client@client.example', PASS);
	const boss = (await loginFull(slug, 'boss@router.example', PASS)).token;
	const t = await raise(slug, customer.token, { category: 'Printers' });
	const seen = (await request(slug, 'GET', `/api/v1/tickets/${t.number}`, { token: boss })).json;
	assert.equal(seen.assignee, null);
	assert.equal(seen.queue, 'triage');
	const triage = await request(slug, 'GET', '/api/v1/tickets?queue=triage', { token: boss });
	assert.deepEqual(triage.json.data.map((x) => x.number), [t.number]);
	const inbox = (await request(slug, 'GET', '/api/v1/notifications', { token: boss })).json.data;
	assert.equal(inbox[0].ticket, t.number);
	assert.equal(inbox[0].kind, 'triage');
	// Customers cannot look into a queue: the filter is refused, and their list shows none.
	const peek = await request(slug, 'GET', '/api/v1/tickets?queue=triage', { token: customer.token });
	assertProblem(peek, 400, 'invalid_parameter');
	assert.equal(peek.json.detail, 'queue filters by what only staff see; customers cannot filter by it.');
	const mine = await request(slug, 'GET', '/api/v1/tickets', { token: customer.token });
	assert.equal(mine.status, 200);
	assert.equal(mine.json.data[0].number, t.number);
	assert.equal(mine.json.data[0].queue, undefined);
	// Inboxes are personal and staff-only.
	const ana = (await loginFull(slug, 'ana@router.example', PASS)).token;
	assert.deepEqual((await request(slug, 'GET', '/api/v1/notifications', { token: ana })).json.data, []);
	assertProblem(await request(slug, 'GET', '/api/v1/notifications', { token: customer.token }), 403, 'forbidden');
});

test('the router chooses among more agents than one statement binds (130 with the skill)', async () => {
	// Agent k has printers at level 1 + k mod 5 and k open places; only the last one is level 5.
	const agents = Array.from({ length: 130 }, (_, i) => ({ email: `a${i + 1}@router.example`, name: `Agent ${i + 1}`,
		skills: { printers: i === 129 ? 5 : 1 + (i % 4) }, capacity: 3 }));
	const slug = makeTenant('router', agents);
	const customer = await loginFull(slug, 'client@client.example', PASS);
	const boss = (await loginFull(slug, 'boss@router.example', PASS)).token;
	// Urgent needs level 4: Agents 4, 8, ... 128 (level 4) and 130 (level 5); all have 0 open, so
	// the one who waited longest (never assigned, then the lowest id) gets it: Agent 4.
	const t = await raise(slug, customer.token, { category: 'Printers', priority: 'urgent' });
	const seen = (await request(slug, 'GET', `/api/v1/tickets/${t.number}`, { token: boss })).json;
	assert.deepEqual([seen.assignee.name, seen.queue], ['Agent 4', null]);
	const again = await raise(slug, customer.token, { category: 'Printers', priority: 'urgent' });
	assert.equal((await request(slug, 'GET', `/api/v1/tickets/${again.number}`, { token: boss })).json.assignee.name, 'Agent 8');
});

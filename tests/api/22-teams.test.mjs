// Who sees what when a tenant works by team: an agent sees their teams' tickets and those
// assigned to them, a manager their teams', the admin everything; an agent in no team sees
// nothing of the pipeline. The same holds in the list, the ticket, its notes, the board and
// the reports, and the router never picks someone who could not see the ticket.

import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request, loginFull, uniqueTag, assertProblem, assertFieldError, applyTenant } from './lib.mjs';

const VAR = process.env.PORTAL_VAR || 'var/test';
const CTL = process.env.PORTALCTL_BIN || 'build/portalctl';
const PASS = 'Team-Pass-123';

function tenant(settings) {
	const slug = uniqueTag('m').toLowerCase().slice(0, 24);
	applyTenant({
		slug, name: 'Teamwork', time_zone: 'UTC', domains: [],
		branding: { product_name: 'Teamwork Help', issue_word: 'ticket', primary_color: '#be123c', accent_color: '#fff1f2', logo: 'logo.svg' },
		settings: { customers_see_company: false, agents_see_all: false, ...settings }, companies: ['Client'], default_password: PASS,
		teams: [{ name: 'Hardware', members: ['hana@team.example', 'mona@team.example'] }, { name: 'Billing', members: ['bill@team.example'] }],
		routing: { team: 'Hardware', intake: 'manual' },
		users: [
			{ email: 'admin@team.example', name: 'Ada Admin', role: 'admin' },
			{ email: 'mona@team.example', name: 'Mona Manager', role: 'manager' },
			{ email: 'hana@team.example', name: 'Hana Hardware', role: 'agent' },
			{ email: 'bill@team.example', name: 'Bill Billing', role: 'agent' },
			{ email: 'nemo@team.example', name: 'Nemo Noteam', role: 'agent' },
			{ email: 'cli@client.example', name: 'Cli Ent', role: 'customer', company: 'Client' },
		],
	});
	return slug;
}

const tok = async (slug, who) => (await loginFull(slug, `${who}@team.example`, PASS)).token;

test('by team: each role sees exactly what it should, everywhere', async () => {
	const slug = tenant({});
	const [admin, mona, hana, bill, nemo] = await Promise.all(['admin', 'mona', 'hana', 'bill', 'nemo'].map((w) => tok(slug, w)));
	const cli = await loginFull(slug, 'cli@client.example', PASS);
	const t = (await request(slug, 'POST', '/api/v1/tickets', { token: cli.token, body: { subject: 'Broken screen' } })).json;
	const number = t.number;
	const seen = async (token) => (await request(slug, 'GET', '/api/v1/tickets', { token })).json.data.map((x) => x.number);
	assert.deepEqual(await seen(admin), [number]);
	assert.deepEqual(await seen(mona), [number]);
	assert.deepEqual(await seen(hana), [number]);
	assert.deepEqual(await seen(bill), [], 'another team sees nothing');
	assert.deepEqual(await seen(nemo), [], 'no team: nothing, not everything');
	for (const [name, token] of [['bill', bill], ['nemo', nemo]]) {
		assertProblem(await request(slug, 'GET', `/api/v1/tickets/${number}`, { token }), 404, 'not_found');
		assertProblem(await request(slug, 'GET', `/api/v1/tickets/${number}/notes`, { token }), 404, 'not_found');
		assertProblem(await request(slug, 'GET', `/api/v1/tickets/${number}/timeline`, { token }), 404, 'not_found');
		const board = (await request(slug, 'GET', '/api/v1/board', { token })).json;
		assert.deepEqual(board.levels.map((l) => l.green + l.amber + l.red), [0, 0, 0], `${name}'s board counts nothing`);
		const report = (await request(slug, 'GET', '/api/v1/reports/open', { token: name === 'bill' ? bill : nemo })).json;
		assert.equal(report.data.filter((r) => r.dimension === 'status').reduce((n, r) => n + r.count, 0), 0);
	}
	const hanaBoard = (await request(slug, 'GET', '/api/v1/board', { token: hana })).json;
	assert.equal(hanaBoard.levels[0].green + hanaBoard.levels[0].amber + hanaBoard.levels[0].red, 1);
	const monaReport = (await request(slug, 'GET', '/api/v1/reports/open', { token: mona })).json;
	assert.equal(monaReport.data.filter((r) => r.dimension === 'status').reduce((n, r) => n + r.count, 0), 1);

	// Assigning to someone who could not see it is refused...
	const users = (await request(slug, 'GET', '/api/v1/users?role=agent', { token: admin })).json.data;
	const billId = users.find((u) => u.name === 'Bill Billing').id;
	const refused = await request(slug, 'PATCH', `/api/v1/tickets/${number}`, { token: mona, headers: { 'if-match': `"${t.version}"` }, body: { assignee_id: billId } });
	assertFieldError(refused, '/assignee_id', 'invalid_value');
	// ...and a ticket assigned to you is yours to see, whatever its team.
	const hanaId = users.find((u) => u.name === 'Hana Hardware').id;
	const ok = await request(slug, 'PATCH', `/api/v1/tickets/${number}`, { token: mona, headers: { 'if-match': `"${t.version}"` }, body: { assignee_id: hanaId } });
	assert.equal(ok.status, 200, ok.text);
});

test('cross-team assignment when the tenant allows it; the assignee then sees the ticket', async () => {
	const slug = tenant({ cross_team_assignment: true });
	const [admin, bill] = await Promise.all(['admin', 'bill'].map((w) => tok(slug, w)));
	const cli = await loginFull(slug, 'cli@client.example', PASS);
	const t = (await request(slug, 'POST', '/api/v1/tickets', { token: cli.token, body: { subject: 'Invoice question' } })).json;
	const billId = (await request(slug, 'GET', '/api/v1/users?role=agent', { token: admin })).json.data.find((u) => u.name === 'Bill Billing').id;
	assertProblem(await request(slug, 'GET', `/api/v1/tickets/${t.number}`, { token: bill }), 404, 'not_found');
	const res = await request(slug, 'PATCH', `/api/v1/tickets/${t.number}`, { token: admin, headers: { 'if-match': `"${t.version}"` }, body: { assignee_id: billId } });
	assert.equal(res.status, 200, res.text);
	assert.equal((await request(slug, 'GET', `/api/v1/tickets/${t.number}`, { token: bill })).status, 200);
	assert.deepEqual((await request(slug, 'GET', '/api/v1/tickets?assignee=me', { token: bill })).json.data.map((x) => x.number), [t.number]);
});

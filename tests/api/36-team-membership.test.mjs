// A change of team membership counts from the next request of every signed-in agent, whoever
// makes it: the admin API, `portalctl tenant apply`, or a statement typed into the database.
// Each request reads the user's teams from the user's row, where triggers on team_members keep
// them; this checks that they follow every kind of write, with the agents' tokens held throughout.

import test from 'node:test';
import assert from 'node:assert/strict';
import { request, loginFull, uniqueTag, assertProblem, applyTenant, sql } from './lib.mjs';

const PASS = 'Member-Pass-123';
const slug = uniqueTag('tm').toLowerCase().slice(0, 24);
const definition = {
	slug, name: 'Membership', time_zone: 'UTC', domains: [],
	branding: { product_name: 'Membership Help', issue_word: 'ticket', primary_color: '#0f766e', accent_color: '#f0fdfa', logo: 'logo.svg' },
	settings: { customers_see_company: false, agents_see_all: false }, companies: ['Client'], default_password: PASS,
	teams: [{ name: 'Hardware', members: ['hana@member.example'] }, { name: 'Billing', members: ['bill@member.example'] }],
	routing: { team: 'Hardware', intake: 'manual' },
	users: [
		{ email: 'admin@member.example', name: 'Ada Admin', role: 'admin' },
		{ email: 'hana@member.example', name: 'Hana Hardware', role: 'agent' },
		{ email: 'bill@member.example', name: 'Bill Billing', role: 'agent' },
		{ email: 'cli@client.example', name: 'Cli Ent', role: 'customer', company: 'Client' },
	],
};

test('team membership changes show at the next request, however they are written', async () => {
	applyTenant(definition);
	const admin = (await loginFull(slug, 'admin@member.example', PASS)).token;
	const hana = await loginFull(slug, 'hana@member.example', PASS);
	const bill = await loginFull(slug, 'bill@member.example', PASS);
	const cli = (await loginFull(slug, 'cli@client.example', PASS)).token;
	const subject = `Hardware-only ${uniqueTag('x')}`;
	const made = await request(slug, 'POST', '/api/v1/tickets', { token: cli, body: { subject } });
	assert.equal(made.status, 201, made.text);
	const number = made.json.number;
	const list = async (who) => (await request(slug, 'GET', '/api/v1/tickets', { token: who.token })).json.data.map((t) => t.subject);
	const sees = async (who) => {
		const one = await request(slug, 'GET', `/api/v1/tickets/${number}`, { token: who.token });
		const notes = await request(slug, 'GET', `/api/v1/tickets/${number}/notes`, { token: who.token });
		const inList = (await list(who)).includes(subject);
		assert.equal(notes.status, one.status, 'the ticket and its notes agree');
		assert.equal(inList, one.status === 200, 'the list and the ticket agree');
		if (one.status !== 200) assertProblem(one, 404, 'not_found');
		return one.status === 200;
	};
	assert.equal(await sees(hana), true);
	assert.equal(await sees(bill), false);

	// The admin API moves Bill into Hardware and Hana out of it.
	const teams = (await request(slug, 'GET', '/api/v1/admin/teams', { token: admin })).json.data;
	const hardware = teams.find((t) => t.name === 'Hardware');
	const billing = teams.find((t) => t.name === 'Billing');
	let put = await request(slug, 'PUT', `/api/v1/admin/teams/${hardware.id}`, { token: admin, body: { name: 'Hardware', members: [bill.user.id] } });
	assert.equal(put.status, 200, put.text);
	assert.equal(await sees(bill), true, 'Bill sees Hardware with the token he already had');
	assert.equal(await sees(hana), false, 'Hana no longer does');

	// Nobody in Hardware: nobody but the admin sees it.
	put = await request(slug, 'PUT', `/api/v1/admin/teams/${hardware.id}`, { token: admin, body: { name: 'Hardware', members: [] } });
	assert.equal(put.status, 200, put.text);
	assert.equal(await sees(bill), false);
	assert.equal(await sees(hana), false);
	assert.equal((await request(slug, 'GET', `/api/v1/tickets/${number}`, { token: admin })).status, 200);

	// portalctl puts Hana back (its definition lists her).
	applyTenant(definition);
	assert.equal(await sees(hana), true, 'after tenant apply');
	assert.equal(await sees(bill), false);

	// A hand-written statement: Bill in both teams, then out of Billing only.
	sql(`INSERT INTO team_members (tenant_id, team_id, user_id) VALUES ((SELECT id FROM tenants WHERE slug = '${slug}'), ${hardware.id}, ${bill.user.id})`);
	assert.equal(await sees(bill), true, 'after an INSERT by hand');
	sql(`DELETE FROM team_members WHERE team_id = ${billing.id} AND user_id = ${bill.user.id}`);
	assert.equal(await sees(bill), true, 'still in Hardware');
	sql(`DELETE FROM team_members WHERE team_id = ${hardware.id} AND user_id = ${bill.user.id}`);
	assert.equal(await sees(bill), false, 'after a DELETE by hand');
	assert.equal(sql(`SELECT COALESCE(team_ids, '-') FROM users WHERE id = ${bill.user.id}`), '-', 'in no team');
	assert.equal(sql(`SELECT team_ids FROM users WHERE id = ${hana.user.id}`), String(hardware.id));
});

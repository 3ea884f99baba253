// The board counts a ticket for its effective team: its own (here a category's) or else its
// pipeline's. A hand-built fixture: Billing owns the default pipeline, a second pipeline is
// nobody's, and some tickets in both carry Hardware as their own team. The exact figures per
// level and per team for the admin, a Billing agent, a Hardware agent and an agent of no team,
// and each agent's board adds up to the lit tickets that agent can list: no counter shows a
// ticket its reader may not see, and none leaves out one they may.

import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { request, loginFull, uniqueTag, applyTenant, dbEnv, listAll } from './lib.mjs';

const PASS = 'Own-Team-Pass-1';

function sql(statement) {
	const env = dbEnv();
	return execFileSync('mariadb', ['--socket', env.PORTAL_DB_SOCKET, '-u', 'portal', `-p${env.PORTAL_DB_PASSWORD}`,
		'-N', '-B', 'portal', '-e', statement], { encoding: 'utf8' }).trim();
}

// A by-team tenant whose default pipeline belongs to Billing, plus 'general', a copy nobody owns.
function tenant() {
	const slug = uniqueTag('bo').toLowerCase().slice(0, 24);
	applyTenant({
		slug, name: 'Ownteam', time_zone: 'UTC', domains: [],
		branding: { product_name: 'Ownteam Help', issue_word: 'ticket', primary_color: '#1d4ed8', accent_color: '#eff6ff', logo: 'logo.svg' },
		settings: { customers_see_company: false, agents_see_all: false }, companies: ['Client'], default_password: PASS,
		teams: [{ name: 'Billing', members: ['bill@own.example'] }, { name: 'Hardware', members: ['hana@own.example'] }],
		routing: { team: 'Billing', intake: 'manual' },
		users: [
			{ email: 'admin@own.example', name: 'Ada Admin', role: 'admin' },
			{ email: 'bill@own.example', name: 'Bill Billing', role: 'agent' },
			{ email: 'hana@own.example', name: 'Hana Hardware', role: 'agent' },
			{ email: 'nemo@own.example', name: 'Nemo Noteam', role: 'agent' },
			{ email: 'cli@client.example', name: 'Cli Ent', role: 'customer', company: 'Client' },
		],
	});
	const tenantId = Number(sql(`SELECT id FROM tenants WHERE slug = '${slug}'`));
	sql(`INSERT INTO pipelines (tenant_id, pkey, name, is_default, team_id) VALUES (${tenantId}, 'general', 'General', 0, NULL);
		SET @p = LAST_INSERT_ID();
		INSERT INTO statuses (tenant_id, pipeline_id, skey, staff_name, customer_name, category, color, position, is_entry, clocks, require_note)
		SELECT tenant_id, @p, skey, staff_name, customer_name, category, color, position, is_entry, clocks, require_note
		FROM statuses WHERE tenant_id = ${tenantId} AND pipeline_id = (SELECT id FROM pipelines WHERE tenant_id = ${tenantId} AND is_default = 1);
		UPDATE tenants SET config_version = config_version + 1 WHERE id = ${tenantId};`);
	return { slug, tenantId };
}

async function raise(slug, token, n, category) {
	const numbers = [];
	for (let i = 0; i < n; i++) {
		const body = { subject: `${uniqueTag('O')} own team`, ...(category ? { category } : {}) };
		const res = await request(slug, 'POST', '/api/v1/tickets', { token, body });
		assert.equal(res.status, 201, res.text);
		numbers.push(res.json.number);
	}
	return numbers;
}

// Moves tickets into the 'general' pipeline, keeping their status by key (and their own team).
function toGeneral(tenantId, numbers) {
	sql(`UPDATE tickets t JOIN statuses s ON s.id = t.status_id
		JOIN statuses g ON g.tenant_id = t.tenant_id AND g.skey = s.skey
		AND g.pipeline_id = (SELECT id FROM pipelines WHERE tenant_id = ${tenantId} AND pkey = 'general')
		SET t.pipeline_id = g.pipeline_id, t.status_id = g.id
		WHERE t.tenant_id = ${tenantId} AND t.number IN (${numbers.join(', ')})`);
}

// Level `level` of ticket `number` turned amber an hour ago, and red a minute ago when `red`.
function turn(tenantId, number, level, red) {
	sql(`UPDATE ticket_lights l JOIN tickets t ON t.id = l.ticket_id
		SET l.amber_at = UTC_TIMESTAMP(6) - INTERVAL 1 HOUR,
		l.red_at = ${red ? 'UTC_TIMESTAMP(6) - INTERVAL 1 MINUTE' : 'UTC_TIMESTAMP(6) + INTERVAL 1 DAY'}
		WHERE l.tenant_id = ${tenantId} AND t.number = ${number} AND l.level = ${level}`);
}

function assign(tenantId, number, email) {
	// The user's id first: a statement on tickets that reads users cannot run the trigger that
	// keeps the agent's open count (migration 0025).
	const id = sql(`SELECT id FROM users WHERE tenant_id = ${tenantId} AND email = '${email}'`);
	sql(`UPDATE tickets SET assignee_id = ${id} WHERE tenant_id = ${tenantId} AND number = ${number}`);
}

const levels = (g1, a1, r1, g3, a3, r3) => [
	{ level: 1, name: 'response', green: g1, amber: a1, red: r1 },
	{ level: 2, name: 'supplier', green: 0, amber: 0, red: 0 },
	{ level: 3, name: 'communication', green: g3, amber: a3, red: r3 },
];

// The board's levels as counted from the tickets a token can list, by each light's colour.
async function listedLevels(slug, token) {
	const out = [1, 2, 3].map((level) => ({ level, name: ['response', 'supplier', 'communication'][level - 1], green: 0, amber: 0, red: 0 }));
	for (const t of await listAll(slug, token)) {
		out.forEach((o) => {
			const colour = t.lights[o.name].colour;
			if (colour !== 'off') o[colour]++;
		});
	}
	return out;
}

test('the board counts each ticket for its own team where it has one, for every reader', async () => {
	const { slug, tenantId } = tenant();
	const admin = (await loginFull(slug, 'admin@own.example', PASS)).token;
	const teamIds = Object.fromEntries(sql(`SELECT name, id FROM teams WHERE tenant_id = ${tenantId}`).split('\n').map((l) => {
		const [name, id] = l.split('\t');
		return [name, Number(id)];
	}));
	const printers = await request(slug, 'POST', '/api/v1/admin/categories', { token: admin, body: { name: 'Printers', skill: 'printers', team_id: teamIds.Hardware } });
	assert.equal(printers.status, 201, printers.text);
	const cli = (await loginFull(slug, 'cli@client.example', PASS)).token;

	// In Billing's pipeline: b1..b3 Billing's (b3 assigned to Hana), h1..h4 Hardware's by their
	// category (h4 assigned to Bill). In the pipeline nobody owns: g1 everyone's, g2 Hardware's.
	const [b1, b2, b3] = await raise(slug, cli, 3);
	const [h1, h2, h3, h4, g2] = await raise(slug, cli, 5, 'Printers');
	const [g1] = await raise(slug, cli, 1);
	assert.equal(sql(`SELECT COUNT(*) FROM tickets WHERE tenant_id = ${tenantId} AND team_id = ${teamIds.Hardware}`), '5');
	toGeneral(tenantId, [g1, g2]);
	assign(tenantId, b3, 'hana@own.example');
	assign(tenantId, h4, 'bill@own.example');
	turn(tenantId, b1, 1, true);
	turn(tenantId, b2, 3, false);
	turn(tenantId, h1, 1, false);
	turn(tenantId, h2, 1, true);
	turn(tenantId, h3, 3, true);
	turn(tenantId, g1, 3, false);
	turn(tenantId, g2, 1, true);

	const [bill, hana, nemo] = await Promise.all(['bill', 'hana', 'nemo'].map(async (w) => (await loginFull(slug, `${w}@own.example`, PASS)).token));
	const board = async (token) => {
		const res = await request(slug, 'GET', '/api/v1/board', { token });
		assert.equal(res.status, 200, res.text);
		assert.equal(res.json.counts_as_of, null, 'a tenant this small counts live');
		return res.json;
	};
	// Billing: b1 red and b2 amber; Hardware: h1 amber, h2 and g2 red on response, h3 red on
	// communication; g1 (amber on communication) is nobody's team's.
	const billingFigures = { id: teamIds.Billing, name: 'Billing', levels: levels(2, 0, 1, 2, 1, 0) };
	const hardwareFigures = { id: teamIds.Hardware, name: 'Hardware', levels: levels(2, 1, 2, 4, 0, 1) };

	const all = await board(admin);
	assert.deepEqual(all.teams, [billingFigures, hardwareFigures], 'each ticket in its effective team');
	assert.deepEqual(all.levels, levels(5, 1, 3, 6, 2, 1));
	assert.deepEqual(all.levels, await listedLevels(slug, admin));

	// Bill: Billing's three, g1, and h4 assigned to him; not h1..h3 though they sit in his pipeline.
	const bills = await board(bill);
	assert.deepEqual(bills.teams, [billingFigures]);
	assert.deepEqual(bills.levels, levels(4, 0, 1, 3, 2, 0));
	assert.deepEqual(bills.levels, await listedLevels(slug, bill), 'Bill\'s board is what Bill can list');

	// Hana: Hardware's five though no pipeline is Hardware's, g1, and b3 assigned to her.
	const hanas = await board(hana);
	assert.deepEqual(hanas.teams, [hardwareFigures]);
	assert.deepEqual(hanas.levels, levels(4, 1, 2, 5, 1, 1));
	assert.deepEqual(hanas.levels, await listedLevels(slug, hana), 'Hana\'s board is what Hana can list');

	// Nemo, in no team: g1 only; g2 sits in the pipeline nobody owns but is Hardware's.
	const nemos = await board(nemo);
	assert.deepEqual(nemos.teams, []);
	assert.deepEqual(nemos.levels, levels(1, 0, 0, 0, 1, 0));
	assert.deepEqual(nemos.levels, await listedLevels(slug, nemo), 'Nemo\'s board is what Nemo can list');
});

// `portalctl reports rebuild` computes a tenant's report facts and its agents' open counts again
// from the tickets, notes and events: the same rows the triggers keep, repaired when they were
// damaged, and filled in for rows a bulk load (@portal_bulk_load) wrote with the triggers off.

import test from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { request, loginFull, uniqueTag, applyTenant, sql, dbEnv } from './lib.mjs';

const PASS = 'Rebuild-Pass-123';

let slug, tid;

// A digest of every fact row of the tenant and of its agents' open counts.
function facts() {
	return sql(`SELECT
		(SELECT CONCAT(COUNT(*), ':', COALESCE(BIT_XOR(CRC32(CONCAT_WS(',', ticket_id, created_at, status_id, pipeline_id,
			team_id, assignee_id, priority, category_id, company_id, first_reply_id, first_reply_at, first_reply_by,
			worst_response, worst_supplier, worst_communication))), 0)) FROM report_tickets WHERE tenant_id = ${tid}),
		(SELECT CONCAT(COUNT(*), ':', COALESCE(BIT_XOR(CRC32(CONCAT_WS(',', event_id, ticket_id, moved_at, to_key, actor_id,
			created_at, pipeline_id, team_id, assignee_id, priority, category_id, company_id))), 0)) FROM report_moves
			WHERE tenant_id = ${tid}),
		(SELECT CONCAT(COUNT(*), ':', COALESCE(BIT_XOR(CRC32(CONCAT_WS(',', ticket_id, actor_id, first_at, last_at, replies,
			first_reply_at, last_reply_at, pipeline_id, team_id, assignee_id, priority, category_id, company_id))), 0))
			FROM report_touches WHERE tenant_id = ${tid}),
		(SELECT GROUP_CONCAT(CONCAT(name, '=', open_tickets) ORDER BY name) FROM users WHERE tenant_id = ${tid} AND role = 'agent')`);
}

function rebuild() {
	return execFileSync(process.env.PORTALCTL_BIN || 'build/portalctl', ['reports', 'rebuild', slug], { env: dbEnv(), encoding: 'utf8' });
}

test.before(async () => {
	slug = uniqueTag('rb').toLowerCase().slice(0, 24);
	applyTenant({
		slug, name: 'Rebuild Co', time_zone: 'UTC', domains: [],
		branding: { product_name: 'Rebuild Help', issue_word: 'ticket', primary_color: '#0e7490', accent_color: '#ecfeff', logo: 'logo.svg' },
		settings: { customers_see_company: false }, companies: ['Client'], default_password: PASS,
		routing: { intake: 'router', categories: [{ name: 'Printers', skill: 'printers' }] },
		users: [
			{ email: 'boss@rebuild.example', name: 'Bo Manager', role: 'manager' },
			{ email: 'ana@rebuild.example', name: 'Ana', role: 'agent', skills: { printers: 4 }, capacity: 10 },
			{ email: 'ben@rebuild.example', name: 'Ben', role: 'agent', skills: { printers: 4 }, capacity: 10 },
			{ email: 'client@client.example', name: 'Cli Ent', role: 'customer', company: 'Client' },
		],
	});
	tid = sql(`SELECT id FROM tenants WHERE slug = '${slug}'`);
	const customer = (await loginFull(slug, 'client@client.example', PASS)).token;
	const boss = (await loginFull(slug, 'boss@rebuild.example', PASS)).token;
	for (let i = 0; i < 6; i++) {
		const made = await request(slug, 'POST', '/api/v1/tickets', { token: customer, body: { subject: `Jam ${i}`, category: 'Printers' } });
		assert.equal(made.status, 201, made.text);
		const n = made.json.number;
		let res = await request(slug, 'POST', `/api/v1/tickets/${n}/notes`, { token: boss, body: { body: `Looking at ${i}.`, visibility: 'public' } });
		assert.equal(res.status, 201, res.text);
		res = await request(slug, 'POST', `/api/v1/tickets/${n}/notes`, { token: boss, body: { body: 'Inside note.', visibility: 'internal' } });
		assert.equal(res.status, 201, res.text);
		if (i % 2 === 0) {
			res = await request(slug, 'POST', `/api/v1/tickets/${n}/transitions`, { token: boss, body: { to: 'resolved', note: 'Cleared.' } });
			assert.equal(res.status, 200, res.text);
		}
	}
});

test('a rebuild gives exactly the rows the triggers keep', () => {
	const kept = facts();
	assert.match(kept, /^6:\S+\t[1-9]\d*:\S+\t[1-9]\d*:\S+\tAna=\d+,Ben=\d+$/);
	assert.match(rebuild(), /rebuilt the report facts of /);
	assert.equal(facts(), kept);
});

test('a rebuild repairs damaged facts and counts', () => {
	const kept = facts();
	sql(`UPDATE report_tickets SET worst_response = 2, first_reply_at = NULL WHERE tenant_id = ${tid}`);
	sql(`DELETE FROM report_moves WHERE tenant_id = ${tid} LIMIT 1`);
	sql(`DELETE FROM report_touches WHERE tenant_id = ${tid} LIMIT 1`);
	sql(`UPDATE users SET open_tickets = 99 WHERE tenant_id = ${tid} AND role = 'agent'`);
	assert.notEqual(facts(), kept);
	rebuild();
	assert.equal(facts(), kept);
});

test('rows a bulk load writes with the triggers off count once rebuilt', () => {
	const before = facts();
	const ticket = sql(`SELECT id FROM tickets WHERE tenant_id = ${tid} ORDER BY id LIMIT 1`);
	const boss = sql(`SELECT id FROM users WHERE tenant_id = ${tid} AND role = 'manager'`);
	sql(`SET @portal_bulk_load = 1;
		INSERT INTO notes (tenant_id, ticket_id, author_id, visibility, body, created_at)
		VALUES (${tid}, ${ticket}, ${boss}, 'public', 'Loaded in bulk.', UTC_TIMESTAMP(6) - INTERVAL 2 DAY)`);
	assert.equal(facts(), before, 'the triggers did not run');
	rebuild();
	const after = facts();
	assert.notEqual(after, before);
	// The loaded note is now the ticket's first reply, as the trigger would have made it.
	assert.equal(sql(`SELECT rt.first_reply_id = n.id FROM report_tickets rt JOIN notes n ON n.ticket_id = rt.ticket_id
		AND n.body = 'Loaded in bulk.' WHERE rt.tenant_id = ${tid} AND rt.ticket_id = ${ticket}`), '1');
	// And a trigger-kept copy of the same rows agrees: drop the facts of that ticket's notes and let
	// an update of the note (with the triggers on) recompute them.
	sql(`UPDATE notes SET body = 'Loaded in bulk, edited.' WHERE tenant_id = ${tid} AND ticket_id = ${ticket} AND body = 'Loaded in bulk.'`);
	assert.equal(facts(), after);
});

// A statement that cannot finish (here: it waits for a row another session holds) is stopped by
// the server after the workers' statement limit (25 s): the request gets 503 too_slow, the write
// is rolled back, nothing is left running on the server, and the same worker serves the next
// request over the same connection. Without the limit the request waited for the row as long as the
// other session held it (and, past the worker's read timeout, answered "database unreachable"
// and left the statement running).
// Bounded: the other session holds the row for 28 s.

import test from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { request, tokenOf, userOf, newTicket, getTicket, uniqueTag, assertProblem, etagOf, dbEnv, sql } from '../api/lib.mjs';

test('a statement past the limit is stopped: 503 too_slow, nothing changed, nothing left running', async () => {
	const env = dbEnv();
	const token = await tokenOf('acme', 'agent1@acme.example');
	const carol = await userOf('acme', 'carol@northwind.example');
	const t = await newTicket('acme', token, { subject: `${uniqueTag('SLOW')} held row`, customer_id: carol.id });

	// Another session takes the ticket's row and keeps it.
	const holder = spawn('mariadb', ['-N', '-B', '-S', env.PORTAL_DB_SOCKET, '-u', env.PORTAL_DB_USER, env.PORTAL_DB_NAME, '-e',
		'SET SESSION innodb_lock_wait_timeout = 100; BEGIN; ' +
		`SELECT id FROM tickets WHERE tenant_id = (SELECT id FROM tenants WHERE slug = 'acme') AND number = ${t.number} FOR UPDATE; ` +
		'DO SLEEP(28); ROLLBACK;'], { env: { ...env, MYSQL_PWD: env.PORTAL_DB_PASSWORD }, stdio: 'ignore' });
	const held = new Promise((r) => holder.on('exit', r));
	try {
		await new Promise((r) => setTimeout(r, 1000));
		const t0 = Date.now();
		const res = await request('acme', 'PATCH', `/api/v1/tickets/${t.number}`,
			{ token, body: { priority: 'urgent' }, headers: { 'If-Match': etagOf(t.version) }, timeoutMs: 40000 });
		const ms = Date.now() - t0;
		console.log(`# PATCH on a held row answered ${res.status} ${res.json && res.json.code} after ${ms} ms`);
		assertProblem(res, 503, 'too_slow');
		assert.match(res.json.detail, /too long/);

		// Nothing of the portal's is still running on the server.
		const running = sql("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = 'portal' " +
			"AND COMMAND IN ('Query', 'Execute') AND INFO LIKE '%tickets%' AND INFO NOT LIKE '%PROCESSLIST%' AND INFO NOT LIKE '%SLEEP%'");
		assert.equal(running, '0');
	} finally {
		await held; // the row is free again once its SLEEP is over
	}

	// Released: the ticket is as it was, and the same write now goes through.
	const got = await getTicket('acme', token, t.number);
	assert.equal(got.status, 200);
	assert.equal(got.json.priority, t.priority);
	assert.equal(got.json.version, t.version);
	const again = await request('acme', 'PATCH', `/api/v1/tickets/${t.number}`,
		{ token, body: { priority: 'urgent' }, headers: { 'If-Match': etagOf(t.version) } });
	assert.equal(again.status, 200, again.text);
	assert.equal(again.json.priority, 'urgent');
});

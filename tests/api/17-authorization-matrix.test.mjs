// The authorization matrix: every endpoint of the route table (read from the running server),
// called as every principal, against the expected table below, which is both documentation and
// test input. An endpoint the table does not list fails the test.

import test from 'node:test';
import assert from 'node:assert/strict';
import { request, loginFull, newTicket, tokenOf, userOf } from './lib.mjs';

// Who may call what. 'anyone' needs no sign-in; the rest are roles.
const EXPECTED = {
	'health': ['anyone'],
	'routes.list': ['anyone'],
	'ping': ['anyone'],
	'openapi.get': ['anyone'],
	'tenant.get': ['anyone'],
	'auth.login': ['anyone'],
	'auth.logout': ['admin', 'manager', 'agent', 'customer'],
	'me.get': ['admin', 'manager', 'agent', 'customer'],
	'me.update': ['admin', 'manager', 'agent'],
	'notifications.list': ['admin', 'manager', 'agent'],
	'statuses.list': ['admin', 'manager', 'agent', 'customer'],
	'users.list': ['admin', 'manager', 'agent'],
	'categories.list': ['admin', 'manager', 'agent', 'customer'],
	'tickets.list': ['admin', 'manager', 'agent', 'customer'],
	'tickets.create': ['admin', 'manager', 'agent', 'customer'],
	'tickets.get': ['admin', 'manager', 'agent', 'customer'],
	'tickets.update': ['admin', 'manager', 'agent'],
	'tickets.transition': ['admin', 'manager', 'agent'],
	'tickets.move_pipeline': ['admin', 'manager'],
	'notes.list': ['admin', 'manager', 'agent', 'customer'],
	'notes.create': ['admin', 'manager', 'agent', 'customer'],
	'timeline.list': ['admin', 'manager', 'agent'],
	'lights.history': ['admin', 'manager', 'agent'],
	'supplier_requests.list': ['admin', 'manager', 'agent'],
	'supplier_requests.create': ['admin', 'manager', 'agent'],
	'supplier_requests.answer': ['admin', 'manager', 'agent'],
	'board.get': ['admin', 'manager', 'agent'],
	'reports.open': ['admin', 'manager', 'agent'],
	'reports.volume': ['admin', 'manager'],
	'reports.times': ['admin', 'manager', 'agent'],
	'reports.lights': ['admin', 'manager', 'agent'],
	'reports.suppliers': ['admin', 'manager', 'agent'],
	'reports.agents': ['admin', 'manager', 'agent'],
	'reports.filters': ['admin', 'manager', 'agent'],
	'admin.lights.get': ['admin'],
	'admin.lights.put': ['admin'],
	'admin.word_list.get': ['admin'],
	'admin.word_list.put': ['admin'],
	'admin.pipelines.list': ['admin'],
	'admin.pipelines.create': ['admin'],
	'admin.pipelines.put': ['admin'],
	'admin.audit.list': ['admin'],
	'admin.teams.list': ['admin'],
	'admin.teams.create': ['admin'],
	'admin.teams.put': ['admin'],
	'admin.agents.list': ['admin'],
	'admin.agents.put': ['admin'],
	'admin.categories.list': ['admin'],
	'admin.categories.create': ['admin'],
	'admin.categories.put': ['admin'],
	'admin.rules.list': ['admin'],
	'admin.rules.put': ['admin'],
};

const PRINCIPALS = [
	{ name: 'anonymous', role: 'anyone' },
	{ name: 'admin', role: 'admin', email: 'admin@acme.example' },
	{ name: 'manager', role: 'manager', email: 'manager@acme.example' },
	{ name: 'agent', role: 'agent', email: 'agent1@acme.example' },
	{ name: 'customer (own ticket)', role: 'customer', email: 'carol@northwind.example' },
	{ name: 'customer (same company)', role: 'customer', email: 'dan@northwind.example', sameCompany: true },
	{ name: 'customer (other company)', role: 'customer', email: 'erin@contoso.example', otherCompany: true },
	{ name: 'agent of another tenant', role: 'agent', foreign: true },
];

test('every endpoint answers every principal as the table says', async () => {
	const routes = (await request('acme', 'GET', '/api/v1/routes')).json.data;
	const missing = routes.map((r) => r.name).filter((n) => !(n in EXPECTED));
	assert.deepEqual(missing, [], 'endpoints without an entry in the matrix');
	for (const r of routes) {
		const expected = EXPECTED[r.name];
		const declared = r.anonymous ? ['anyone'] : r.roles;
		assert.deepEqual([...declared].sort(), [...expected].sort(), `${r.name}: the route table and the matrix disagree`);
	}

	const carol = await tokenOf('acme', 'carol@northwind.example');
	const carolId = (await userOf('acme', 'carol@northwind.example')).id;
	const ticket = await newTicket('acme', await tokenOf('acme', 'agent1@acme.example'), { subject: 'matrix object', customer_id: carolId });
	assert.ok(ticket.number > 0);
	const foreign = (await loginFull('globex', 'agent1@globex.example')).token;
	// Canaries: a globex ticket and an internal note on the probed ticket. Neither may appear
	// in any answer where it does not belong.
	const globexCanary = `GLOBEXCANARY${Date.now()}`;
	const internalCanary = `INTERNALCANARY${Date.now()}`;
	const peter = (await userOf('globex', 'peter@initech.example')).id;
	await newTicket('globex', foreign, { subject: globexCanary, customer_id: peter });
	const note = await request('acme', 'POST', `/api/v1/tickets/${ticket.number}/notes`, {
		token: await tokenOf('acme', 'agent1@acme.example'), body: { body: internalCanary, visibility: 'internal' } });
	assert.equal(note.status, 201);

	let probes = 0;
	for (const p of PRINCIPALS) {
		for (const r of routes) {
			const path = r.path.replace('{number}', String(ticket.number)).replace('{id}', '999999');
			let token;
			if (p.foreign) token = foreign;
			else if (p.email) token = r.name === 'auth.logout' ? (await loginFull('acme', p.email)).token : await tokenOf('acme', p.email);
			const body = ['POST', 'PATCH', 'PUT'].includes(r.method) ? {} : undefined;
			const res = await request('acme', r.method, path, { token, body });
			probes++;
			const label = `${p.name} ${r.method} ${r.path} -> ${res.status} ${res.text.slice(0, 120)}`;
			assert.ok(!res.text.includes(globexCanary), `another tenant's data leaked: ${label}`);
			if (p.role === 'customer' || p.role === 'anyone' || p.foreign)
				assert.ok(!res.text.includes(internalCanary), `an internal note leaked: ${label}`);
			assert.ok(res.status < 500, label);
			const allowed = EXPECTED[r.name].includes('anyone') || EXPECTED[r.name].includes(p.role);
			if (EXPECTED[r.name].includes('anyone')) {
				assert.ok(![401, 403].includes(res.status), label);
			} else if (p.role === 'anyone' || p.foreign) {
				assert.equal(res.status, 401, label);
			} else if (!allowed) {
				assert.equal(res.status, 403, label);
			} else if (p.otherCompany && r.path.includes('{number}')) {
				// Hidden: the answer is the one a number that does not exist gets.
				const none = await request('acme', r.method, r.path.replace('{number}', '999999999').replace('{id}', '999999'), { token, body });
				assert.equal(res.status, none.status, `a ticket of another company is hidden: ${label}`);
				assert.equal(res.json && res.json.code, none.json && none.json.code, label);
				assert.ok([404, 422].includes(res.status), label);
			} else {
				assert.ok(![401, 403, 404].includes(res.status) || r.path.includes('{id}'), label);
			}
		}
	}
	assert.equal(probes, PRINCIPALS.length * routes.length);
	// The canaries are really there for those who may see them: the checks above mean something.
	const staffNotes = await request('acme', 'GET', `/api/v1/tickets/${ticket.number}/notes`, { token: await tokenOf('acme', 'agent1@acme.example') });
	assert.ok(staffNotes.text.includes(internalCanary));
	assert.ok((await request('globex', 'GET', `/api/v1/tickets?q=${globexCanary}`, { token: foreign })).text.includes(globexCanary));
	// Carol's token still works: probing never signed her out of the session used above.
	assert.equal((await request('acme', 'GET', '/api/v1/me', { token: carol })).status, 200);
});

test('a revoked or foreign sign-in never locks anyone out of the sign-in page', async () => {
	const stale = (await loginFull('acme', 'manager@acme.example')).token;
	const out = await request('acme', 'POST', '/api/v1/auth/logout', { token: stale });
	assert.equal(out.status, 204);
	// The browser still sends the revoked cookie: the public pages and sign-in must work.
	const tenant = await request('acme', 'GET', '/api/v1/tenant', { cookie: stale });
	assert.equal(tenant.status, 200, tenant.text);
	assert.equal(tenant.json.slug, 'acme');
	const again = await request('acme', 'POST', '/api/v1/auth/login', { cookie: stale, body: { email: 'manager@acme.example', password: 'Demo-Pass-1' } });
	assert.equal(again.status, 200, again.text);
	// ...while everything that needs a sign-in still refuses it.
	assert.equal((await request('acme', 'GET', '/api/v1/me', { cookie: stale })).status, 401);
});

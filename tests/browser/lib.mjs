// Shared set-up for the browser tests: Debian's chromium driven by
// playwright-core, the portal's URLs, a small API client for arranging data
// behind the browser's back, and a watch on page errors.
//
// Run against a running stack with: node --test tests/browser/
// (PORTAL_TEST_PORT picks the port, 18080 by default, as make test uses;
// 8080 for the stack of make run). Each test makes its own tickets.

import http from 'node:http';
import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

export const PORT = Number(process.env.PORTAL_TEST_PORT || 18080);
export const PASSWORD = 'Demo-Pass-1';

/** The portal's address for one tenant, e.g. url('acme') or url('acme', '#/tickets/3'). */
export function url(slug, suffix = '') {
	return `http://${slug}.localhost:${PORT}/${suffix}`;
}

/** A short tag that makes this run's subjects and notes unique. */
export function uniqueTag() {
	return Date.now().toString(36) + randomBytes(3).toString('hex');
}

export function launch() {
	return chromium.launch({
		executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-background-networking',
			'--disable-component-update',
			'--no-first-run',
			'--disable-sync',
		],
	});
}

/** A fresh browser context (its own cookies) sized for 1280x800 screenshots. */
export function newContext(browser, options = {}) {
	return browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB', ...options });
}

/**
 * Records everything the page reports as going wrong: uncaught exceptions,
 * console errors and failed same-origin requests that were not expected.
 * `expect(pattern)` allows console "Failed to load resource" lines for
 * responses the flow provokes on purpose (e.g. /api/v1/me answering 401
 * before signing in).
 */
export function watchErrors(page) {
	const problems = [];
	const allowed = [];
	const responses = [];
	page.on('pageerror', (err) => problems.push('pageerror: ' + err.message));
	page.on('response', (res) => {
		if (res.status() >= 400) responses.push(res.status() + ' ' + new URL(res.url()).pathname);
	});
	page.on('console', (msg) => {
		if (msg.type() !== 'error') return;
		const text = msg.text();
		const where = msg.location() && msg.location().url ? new URL(msg.location().url).pathname : '';
		if (/^Failed to load resource/.test(text) && allowed.some((re) => re.test(where))) return;
		problems.push('console: ' + text + (where ? ' (' + where + ')' : ''));
	});
	return {
		problems,
		responses,
		expect(pathPattern) { allowed.push(pathPattern); },
		assertClean() { assert.deepEqual(problems, [], 'the page reported errors'); },
	};
}

/** Opens the tenant's portal and signs in through the form. */
export async function signIn(page, slug, email, password = PASSWORD) {
	await page.goto(url(slug));
	await page.getByTestId('login-email').fill(email);
	await page.getByTestId('login-password').fill(password);
	await page.getByTestId('login-submit').click();
	await page.getByTestId('user-name').waitFor();
}

/* ---------- a small API client (node:http, so the Host header can be set) ---------- */

/**
 * One request to the API of tenant `slug`. Options: token (Bearer), body
 * (sent as JSON), headers. Resolves to {status, headers, json}.
 */
export function api(slug, method, path, { token, body, headers = {} } = {}) {
	const payload = body === undefined ? null : Buffer.from(JSON.stringify(body));
	const h = { Host: `${slug}.localhost:${PORT}`, Accept: 'application/json', ...headers };
	if (token) h.Authorization = 'Bearer ' + token;
	if (payload) {
		h['Content-Type'] = 'application/json';
		h['Content-Length'] = String(payload.length);
	}
	return new Promise((resolve, reject) => {
		const req = http.request({ host: '127.0.0.1', port: PORT, method, path, headers: h }, (res) => {
			const chunks = [];
			res.on('data', (c) => chunks.push(c));
			res.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				let json = null;
				try { json = text ? JSON.parse(text) : null; } catch { json = null; }
				resolve({ status: res.statusCode, headers: res.headers, json, text });
			});
		});
		req.on('error', reject);
		req.setTimeout(15000, () => req.destroy(new Error(`${method} ${path}: timed out`)));
		if (payload) req.write(payload);
		req.end();
	});
}

/** Signs in through the API and returns {token, user}. */
export async function apiLogin(slug, email, password = PASSWORD) {
	const res = await api(slug, 'POST', '/api/v1/auth/login', { body: { email, password } });
	assert.equal(res.status, 200, `login of ${email}: ${res.text}`);
	return { token: res.json.token, user: res.json.user };
}

/** The tenant's user with this e-mail, looked up by a staff member. */
export async function findUser(slug, token, role, email) {
	const res = await api(slug, 'GET', `/api/v1/users?role=${role}`, { token });
	assert.equal(res.status, 200, res.text);
	const user = res.json.data.find((u) => u.email === email);
	assert.ok(user, `no ${role} ${email} at ${slug}`);
	return user;
}

/**
 * Waits until the desk's queue shows the answer for exactly these filters,
 * given as the query string the page uses ("status=in_progress&q=abc").
 */
export function queueShows(page, filters) {
	return page.locator(`[data-testid="queue"][data-state="ready"][data-filters="${filters}"]`).waitFor();
}

/** Text of every element with this test id, in page order. */
export function texts(page, testId) {
	return page.getByTestId(testId).allInnerTexts();
}

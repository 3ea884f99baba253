// The one way the UI talks to the server: JSON over fetch with the session
// cookie, the CSRF token on every state-changing request, and problem+json
// errors turned into ApiError objects the views can show.

const BASE = '/api/v1';
const UNSAFE = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);

let csrfToken = null;
let onUnauthorized = null;

/** Remembers the CSRF token from the login or /me answer (in memory only). */
export function setCsrfToken(token) {
	csrfToken = token || null;
}

/**
 * Registers what to do when a signed-in request answers 401 (the session
 * expired or was revoked elsewhere): the app goes back to the sign-in form.
 */
export function setUnauthorizedHandler(fn) {
	onUnauthorized = fn;
}

/** An error answer from the API (problem+json) or a network failure (status 0). */
export class ApiError extends Error {
	constructor(status, problem, headers) {
		super((problem && (problem.detail || problem.title)) || defaultMessage(status));
		this.name = 'ApiError';
		this.status = status;
		this.code = (problem && problem.code) || null;
		this.detail = this.message;
		this.errors = (problem && Array.isArray(problem.errors)) ? problem.errors : [];
		this.headers = headers || null;
	}

	/** The message for the field at JSON pointer `pointer` ("/subject"), if any. */
	fieldError(pointer) {
		const e = this.errors.find((x) => x && x.pointer === pointer);
		return e ? (e.message || e.code || 'invalid') : null;
	}
}

function defaultMessage(status) {
	if (status === 0) return 'The server could not be reached. Check your connection and try again.';
	if (status >= 500) return 'The server had a problem (' + status + '). Please try again.';
	return 'The request failed (' + status + ').';
}

/**
 * Sends one API request. `path` is relative to /api/v1. Options: `body`
 * (sent as JSON), `headers`, `quiet401` (do not call the unauthorized
 * handler: used where a 401 is an expected answer, e.g. /me and login).
 * Resolves to {status, data, headers} (data is null for 304 Not Modified);
 * rejects with ApiError.
 */
export async function request(method, path, options = {}) {
	for (let attempt = 0; ; attempt++) {
		try {
			return await send(method, path, options);
		} catch (e) {
			if (!BUSY.has(e.code) || attempt === BUSY_RETRIES) throw e;
			const after = parseInt(e.headers && e.headers.get('Retry-After'), 10) || 1;
			await new Promise((resolve) => setTimeout(resolve, Math.min(after, 5) * 1000));
		}
	}
}

// Answers given before anything changed, because the portal (429 portal_busy) or sign-in
// hashing (503 sign_in_busy) is busy for a moment: the request is sent again by itself.
const BUSY = new Set(['portal_busy', 'sign_in_busy']);
const BUSY_RETRIES = 3;

async function send(method, path, options) {
	const headers = { Accept: 'application/json, application/problem+json' };
	if (options.body !== undefined) headers['Content-Type'] = 'application/json';
	if (UNSAFE.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken;
	Object.assign(headers, options.headers || {});

	let response;
	try {
		response = await fetch(BASE + path, {
			method,
			headers,
			credentials: 'same-origin',
			cache: 'no-store',
			body: options.body !== undefined ? JSON.stringify(options.body) : undefined,
		});
	} catch (e) {
		throw new ApiError(0, null, null);
	}

	// A conditional GET (If-None-Match) answered "unchanged": the caller keeps what it has.
	if (response.status === 304) return { status: 304, data: null, headers: response.headers };

	let data = null;
	const type = response.headers.get('Content-Type') || '';
	if (response.status !== 204 && type.includes('json')) {
		try {
			data = await response.json();
		} catch (e) {
			data = null;
		}
	}

	if (!response.ok) {
		const err = new ApiError(response.status, data, response.headers);
		if (response.status === 401 && !options.quiet401 && onUnauthorized) onUnauthorized(err);
		throw err;
	}
	return { status: response.status, data, headers: response.headers };
}

export const get = (path, options) => request('GET', path, options);
export const post = (path, body, options = {}) => request('POST', path, { ...options, body });
export const patch = (path, body, options = {}) => request('PATCH', path, { ...options, body });
export const put = (path, body, options = {}) => request('PUT', path, { ...options, body });

/** Builds a query string from an object, leaving out empty values. */
export function query(params) {
	const q = new URLSearchParams();
	for (const [k, v] of Object.entries(params)) {
		if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
	}
	const s = q.toString();
	return s ? '?' + s : '';
}

/** A fresh key for the Idempotency-Key header of a create. */
export function newIdempotencyKey() {
	if (globalThis.crypto && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
	const bytes = new Uint8Array(16);
	crypto.getRandomValues(bytes);
	bytes[6] = (bytes[6] & 0x0f) | 0x40;
	bytes[8] = (bytes[8] & 0x3f) | 0x80;
	const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
	return hex.slice(0, 8) + '-' + hex.slice(8, 12) + '-' + hex.slice(12, 16) + '-' +
		hex.slice(16, 20) + '-' + hex.slice(20);
}

/** The ETag of a single resource, or one built from its version. */
export function etagOf(result, resource) {
	const tag = result && result.headers && result.headers.get('ETag');
	if (tag) return tag;
	return resource && resource.version !== undefined ? '"' + resource.version + '"' : null;
}

// Shared pieces of the UI: the htm binding, the hash router, formatting
// and the small components every view uses (errors, times, badges).

import { h } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import htm from 'htm';

export const html = htm.bind(h);

/* ---------- routing (location.hash, so a reload keeps the view) ---------- */

/** Splits "#/tickets/12?x=1" into {path: "/tickets/12", params: URLSearchParams}. */
export function parseHash(hash) {
	let s = (hash || '').replace(/^#/, '');
	if (!s.startsWith('/')) s = '/' + s;
	const i = s.indexOf('?');
	const path = i === -1 ? s : s.slice(0, i);
	const params = new URLSearchParams(i === -1 ? '' : s.slice(i + 1));
	return { path: path.replace(/\/+$/, '') || '/', params };
}

/** The current route; re-renders the caller when the hash changes. */
export function useRoute() {
	const [hash, setHash] = useState(() => location.hash);
	useEffect(() => {
		const onChange = () => setHash(location.hash);
		addEventListener('hashchange', onChange);
		onChange(); // the hash may have changed between the first render and now
		return () => removeEventListener('hashchange', onChange);
	}, []);
	return useMemo(() => parseHash(hash), [hash]);
}

/** Goes to another view, e.g. navigate('/tickets/12'). */
export function navigate(path) {
	location.hash = '#' + path;
}

/**
 * Updates the hash's query without adding a history entry or re-routing;
 * does nothing if the user has meanwhile gone to another view.
 */
export function replaceQuery(path, params) {
	if (parseHash(location.hash).path !== path) return;
	const q = new URLSearchParams();
	for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
	const s = q.toString();
	history.replaceState(history.state, '', '#' + path + (s ? '?' + s : ''));
}

/* ---------- formatting ---------- */

const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** An RFC 3339 time shown in the viewer's own time zone. */
export function formatTime(iso) {
	if (!iso) return '';
	const d = new Date(iso);
	return isNaN(d.getTime()) ? String(iso) : dateTimeFormat.format(d);
}

export function capitalize(s) {
	s = String(s || '');
	return s.charAt(0).toUpperCase() + s.slice(1);
}

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'];

/* ---------- components ---------- */

export function Time({ iso }) {
	if (!iso) return null;
	return html`<time datetime=${iso} title=${iso}>${formatTime(iso)}</time>`;
}

/** A status pill; staff statuses carry their pipeline colour. */
export function StatusBadge({ status, testid }) {
	if (!status) return null;
	const style = status.color ? { '--status-color': status.color } : undefined;
	return html`<span class=${'status' + (status.color ? ' status-coloured' : ' status-' + (status.category || 'none'))}
		style=${style} data-testid=${testid || 'status-badge'} data-status=${status.key}>${status.name}</span>`;
}

export function PriorityBadge({ priority }) {
	return html`<span class=${'priority priority-' + priority} data-priority=${priority}>${capitalize(priority)}</span>`;
}

/**
 * The server's explanation of a failed request, shown next to the form that
 * sent it. Field errors with a `pointer` in `shown` are left to FieldError.
 */
export function ErrorBox({ error, shown = [], testid = 'form-error' }) {
	if (!error) return null;
	const rest = (error.errors || []).filter((e) => !shown.includes(e.pointer));
	return html`<div class="alert alert-error" role="alert" data-testid=${testid}>
		<p>${error.detail || error.message}</p>
		${rest.length > 0 && html`<ul>${rest.map((e, i) => html`<li key=${i}>${e.message || e.code}</li>`)}</ul>`}
	</div>`;
}

/** The message for one field of a failed request, under that field. */
export function FieldError({ error, pointer }) {
	const msg = error && error.fieldError ? error.fieldError(pointer) : null;
	if (!msg) return null;
	return html`<p class="field-error" data-testid=${'field-error-' + pointer.replace(/^\//, '')}>${msg}</p>`;
}

export function Notice({ kind = 'info', children, testid = 'notice' }) {
	return html`<div class=${'alert alert-' + kind} role="status" data-testid=${testid}>${children}</div>`;
}

export function Loading({ label = 'Loading…' }) {
	return html`<p class="loading" data-testid="loading">${label}</p>`;
}

/** The tenant's logo (a data: URL from the branding), or nothing. */
export function Logo({ branding, className = 'brand-logo' }) {
	const src = branding && branding.logo;
	if (typeof src !== 'string' || !/^data:image\//.test(src)) return null;
	return html`<img class=${className} src=${src} alt="" data-testid="brand-logo" />`;
}

/**
 * Tenant colours become CSS custom properties on the root element; setting
 * them through the CSSOM keeps the strict style-src policy intact.
 */
export function applyBranding(branding) {
	const root = document.documentElement.style;
	const colour = (c) => (typeof c === 'string' && /^#[0-9a-fA-F]{3,8}$/.test(c) ? c : null);
	const primary = colour(branding && branding.primary_color);
	const accent = colour(branding && branding.accent_color);
	if (primary) root.setProperty('--brand-primary', primary);
	else root.removeProperty('--brand-primary');
	if (accent) root.setProperty('--brand-accent', accent);
	else root.removeProperty('--brand-accent');
}

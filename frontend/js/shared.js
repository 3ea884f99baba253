// Pieces the desk and the portal share: the worknote list, flash messages,
// reading every page of a list, and ticket routes.

import { useCallback, useEffect, useState } from 'preact/hooks';
import * as api from './api.js';
import { html, Time, capitalize } from './ui.js';

/** The ticket number in a "/tickets/12" path, or null. */
export function ticketNumberFrom(path) {
	const m = /^\/tickets\/([1-9][0-9]{0,17})$/.exec(path);
	return m ? m[1] : null;
}

/**
 * Every item of a cursor-paginated list (following next_cursor), for the
 * short lists a view needs whole: people, notes, timeline events.
 */
export async function getAll(path, maxPages = 20) {
	const items = [];
	let cursor = null;
	for (let page = 0; page < maxPages; page++) {
		const sep = path.includes('?') ? '&' : '?';
		const r = await api.get(cursor ? path + sep + 'cursor=' + encodeURIComponent(cursor) : path);
		items.push(...((r.data && r.data.data) || []));
		cursor = r.data && r.data.next_cursor;
		if (!cursor) break;
	}
	return items;
}

/**
 * A message shown at the top of one view (`path`) until the user goes
 * elsewhere: "Ticket #12 created", "Someone else changed this ticket".
 */
export function useFlash(route) {
	const [message, setMessage] = useState(null);
	useEffect(() => {
		setMessage((m) => (m && m.path !== route.path ? null : m));
	}, [route.path]);
	const show = useCallback((text, kind = 'info', path = route.path) => setMessage({ text, kind, path }), [route.path]);
	const dismiss = useCallback(() => setMessage(null), []);
	return { message: message && message.path === route.path ? message : null, show, dismiss };
}

export function FlashBar({ flash }) {
	const m = flash.message;
	if (!m) return null;
	return html`<div class=${'alert alert-' + m.kind + ' flash'} role="status" data-testid="flash">
		<span data-testid="flash-text">${m.text}</span>
		<button class="btn-close" aria-label="Dismiss" onClick=${flash.dismiss}>×</button>
	</div>`;
}

/** The conversation on a ticket, oldest first. Internal notes are marked. */
export function NoteList({ notes, staffView, emptyText = 'No notes yet.' }) {
	if (notes.length === 0) return html`<p class="muted" data-testid="notes-empty">${emptyText}</p>`;
	return html`<ol class="notes" data-testid="notes">
		${notes.map((n) => {
			const internal = n.visibility === 'internal';
			const fromCustomer = n.author && n.author.role === 'customer';
			return html`<li key=${n.id} class=${'note' + (internal ? ' note-internal' : '') + (fromCustomer ? ' note-customer' : '')}
				data-testid="note-item" data-visibility=${n.visibility} data-note-id=${n.id}>
				<div class="note-head">
					<strong class="note-author" data-testid="note-author">${n.author ? n.author.name : 'Unknown'}</strong>
					${staffView && n.author && html`<span class="role-tag">${capitalize(n.author.role)}</span>`}
					${!staffView && !fromCustomer && html`<span class="role-tag">Support team</span>`}
					${internal && html`<span class="badge badge-internal" data-testid="note-internal-badge">Internal</span>`}
					${staffView && !internal && html`<span class="badge badge-public" data-testid="note-public-badge">Public</span>`}
					<span class="note-time"><${Time} iso=${n.created_at} /></span>
				</div>
				<div class="note-body prose" data-testid="note-text">${n.body}</div>
			</li>`;
		})}
	</ol>`;
}

/** True when a failed note was refused for words on the tenant's neutral-language list. */
export function isLanguageError(error) {
	return !!(error && error.status === 422 && error.code === 'neutral_language');
}

/**
 * The neutral-language refusal next to a composer. Staff may post anyway
 * (`override` and `onOverride` given): the server records the override.
 */
export function LanguageWarning({ error, override, onOverride }) {
	if (!isLanguageError(error)) return null;
	return html`<div class="alert alert-warning language-warning" role="alert">
		<p data-testid="language-warning">${error.detail}</p>
		${onOverride && html`<label class="check">
			<input type="checkbox" data-testid="language-override" checked=${!!override}
				onChange=${(e) => onOverride(e.currentTarget.checked)} />
			<span>Post anyway — the override is recorded</span>
		</label>`}
	</div>`;
}

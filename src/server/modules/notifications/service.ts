// What other features use of notifications: the e-mail outbox and its delivery (outbox.ts), and
// the notifications people get in the app and by e-mail (inbox.ts, events.ts).
export * from './outbox.js';
export * from './inbox.js';
export * from './events.js';

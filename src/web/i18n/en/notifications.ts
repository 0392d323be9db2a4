import type fr from '../fr/notifications';

// English texts of the notifications; typed as the French ones, so a missing key fails tsc.
const notifications: typeof fr = {
  bell: {
    label: 'Notifications',
    labelUnread_one: 'Notifications, {{count}} unread',
    labelUnread_other: 'Notifications, {{count}} unread',
    title: 'Notifications',
    markAllRead: 'Mark all as read',
    seeAll: 'See all notifications',
    empty: 'No notifications yet.',
  },
  page: {
    title: 'Notifications',
    subtitle: 'What concerns you and the accounts you follow; the app shows you everything.',
    preferencesLink: 'Choose what I get by e-mail',
    show: 'Show',
    all: 'All',
    unreadOnly: 'Unread',
    category: 'Category',
    allCategories: 'All categories',
    unreadCount_zero: 'All read.',
    unreadCount_one: '{{count}} unread notification',
    unreadCount_other: '{{count}} unread notifications',
    empty: 'No notifications.',
    emptyUnread: 'No unread notifications.',
    markRead: 'Mark as read',
    markAllRead: 'Mark all as read',
    allMarkedRead: 'All your notifications are marked as read.',
    unread: 'Unread',
  },
  categories: {
    publisher_orders: 'Orders received (publisher)',
    orders: 'Order updates',
    money: 'Credits and payments',
    team: 'Agency and team',
    support: 'Support queue',
  },
  categoryHelp: {
    publisher_orders: 'Orders placed on your sites, reminders before they expire, cancellations.',
    orders: 'Your orders and your clients’: accepted, refused, expired, links placed and verified.',
    money: 'Top-ups, invoices, credits received, a balance under its threshold.',
    team: 'The agency-mode request, invitations accepted by your collaborators.',
    support: 'Agency-mode requests, sites to review, bank transfers to confirm.',
  },
  preferences: {
    title: 'Notifications',
    intro:
      'By default, you get an e-mail at once for what concerns you directly or the clients you are in charge of, and a daily digest for what your teams follow. The app always shows you everything, whatever you choose.',
    actingNote: 'These choices are yours ({{name}}), not those of the account you are acting for.',
    emailFor: 'E-mails for “{{category}}”',
    saved: 'Preference saved: {{category}}, {{choice}}.',
    choices: {
      default: 'Default',
      immediate: 'At once',
      digest: 'Daily digest',
      off: 'Never',
    },
  },
  unsubscribe: {
    title: 'Unsubscribe',
    subtitle:
      'You will no longer get e-mails of this kind. Notifications stay visible in the app, and you can change your mind at any time in My account.',
    submit: 'Unsubscribe me',
    done: 'Done: you will no longer get e-mails for {{categories}}.',
    preferences: 'Choose what I receive',
    invalid:
      'This unsubscribe link has already been used or is not valid. You can choose what you receive in My account, under Notifications.',
    noToken: 'This link is incomplete. Open the link from the e-mail again.',
  },
  time: {
    now: 'just now',
  },
};

export default notifications;

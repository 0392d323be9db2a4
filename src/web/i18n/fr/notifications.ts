// French texts of the notifications (the bell, the notifications page, the e-mail preferences in
// "Mon compte", the unsubscribe page), merged under the `notifications` key. Typography as in
// common.ts: \u00a0 before « : » and inside « guillemets », \u202f before « ? ! ; ».
const notifications = {
  bell: {
    label: 'Notifications',
    labelUnread_one: 'Notifications, {{count}}\u00a0non lue',
    labelUnread_other: 'Notifications, {{count}}\u00a0non lues',
    title: 'Notifications',
    markAllRead: 'Tout marquer comme lu',
    seeAll: 'Voir toutes les notifications',
    empty: 'Aucune notification pour le moment.',
  },
  page: {
    title: 'Notifications',
    subtitle: 'Ce qui vous concerne, vous et les comptes que vous suivez\u00a0; l’application vous montre tout.',
    preferencesLink: 'Choisir ce que je reçois par e-mail',
    show: 'Afficher',
    all: 'Toutes',
    unreadOnly: 'Non lues',
    category: 'Catégorie',
    allCategories: 'Toutes les catégories',
    unreadCount_zero: 'Tout est lu.',
    unreadCount_one: '{{count}}\u00a0notification non lue',
    unreadCount_other: '{{count}}\u00a0notifications non lues',
    empty: 'Aucune notification.',
    emptyUnread: 'Aucune notification non lue.',
    markRead: 'Marquer comme lu',
    markAllRead: 'Tout marquer comme lu',
    allMarkedRead: 'Toutes vos notifications sont marquées comme lues.',
    unread: 'Non lue',
  },
  categories: {
    publisher_orders: 'Commandes reçues (éditeur)',
    orders: 'Suivi des commandes',
    money: 'Crédits et paiements',
    team: 'Agence et équipe',
    support: 'File du support',
  },
  categoryHelp: {
    publisher_orders: 'Les commandes passées sur vos sites, les rappels avant expiration, les annulations.',
    orders: 'Vos commandes et celles de vos clients\u00a0: acceptées, refusées, expirées, liens posés et vérifiés.',
    money: 'Rechargements, factures, crédits reçus, solde sous le seuil.',
    team: 'La demande de mode agence, les invitations acceptées par vos collaborateurs.',
    support: 'Les demandes de mode agence, les sites à valider, les virements à confirmer.',
  },
  preferences: {
    title: 'Notifications',
    intro:
      'Par défaut, vous recevez un e-mail immédiatement pour ce qui vous concerne directement ou concerne les clients dont vous êtes responsable, et un récapitulatif quotidien pour ce que suivent vos équipes. L’application vous montre toujours tout, quel que soit votre choix.',
    actingNote: 'Ces choix sont les vôtres ({{name}}), pas ceux du compte pour lequel vous agissez.',
    emailFor: 'E-mails pour «\u00a0{{category}}\u00a0»',
    saved: 'Préférence enregistrée\u00a0: {{category}}, {{choice}}.',
    choices: {
      default: 'Par défaut',
      immediate: 'Immédiatement',
      digest: 'Récapitulatif quotidien',
      off: 'Jamais',
    },
  },
  unsubscribe: {
    title: 'Se désabonner',
    subtitle:
      'Vous ne recevrez plus les e-mails de ce type. Les notifications resteront visibles dans l’application, et vous pourrez changer d’avis à tout moment dans Mon compte.',
    submit: 'Me désabonner',
    done: 'C’est fait\u00a0: vous ne recevrez plus d’e-mails pour {{categories}}.',
    preferences: 'Choisir ce que je reçois',
    invalid:
      'Ce lien de désabonnement a déjà servi ou n’est pas valide. Vous pouvez choisir ce que vous recevez dans Mon compte, rubrique Notifications.',
    noToken: 'Ce lien est incomplet. Ouvrez à nouveau le lien reçu par e-mail.',
  },
  time: {
    now: 'à l’instant',
  },
};

export default notifications;

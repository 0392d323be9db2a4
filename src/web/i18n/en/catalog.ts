import type fr from '../fr/catalog';

// English texts of the catalog's count, matched keywords and favourites (issue 12); typed as the French ones.
const catalogList: typeof fr = {
  count_zero: 'No articles',
  count_one: '{{n}} article',
  count_other: '{{n}} articles',
  matched: 'Matching keywords',
  moreMatched_one: '+{{count}}',
  moreMatched_other: '+{{count}}',
  moreMatchedTitle_one: 'and {{count}} other keyword of this article matches the search',
  moreMatchedTitle_other: 'and {{count}} other keywords of this article match the search',
  favouritesOnly: 'Favourites only',
  addFavourite: 'Add to favourites',
  removeFavourite: 'Remove from favourites',
  favourite: 'Favourite',
  noFavourites: 'No favourite matches these filters. Add some with an offer’s star.',
};

export default catalogList;

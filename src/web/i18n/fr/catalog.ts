// French texts of the catalog that explains itself (issue 12): the count of articles, the matched
// keywords, the favourites; merged under the `catalogList` key (the catalog's first texts are in
// marketplace.ts under `catalog`). Typography as in common.ts.
const catalogList = {
  count_zero: 'Aucun article',
  count_one: '{{n}}\u00a0article',
  count_other: '{{n}}\u00a0articles',
  matched: 'Mots-clés trouvés',
  moreMatched_one: '+{{count}}',
  moreMatched_other: '+{{count}}',
  moreMatchedTitle_one: 'et {{count}}\u00a0autre mot-clé de cet article correspond à la recherche',
  moreMatchedTitle_other: 'et {{count}}\u00a0autres mots-clés de cet article correspondent à la recherche',
  favouritesOnly: 'Favoris seulement',
  addFavourite: 'Ajouter aux favoris',
  removeFavourite: 'Retirer des favoris',
  favourite: 'Favori',
  noFavourites: 'Aucun favori ne correspond à ces critères. Ajoutez-en avec l’étoile d’une offre.',
};

export default catalogList;

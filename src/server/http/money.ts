/** Cents as French readers expect them: "1 234,50 €" (with the no-break spaces French uses). */
export function formatEuros(cents: number): string {
  return new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' }).format(cents / 100);
}

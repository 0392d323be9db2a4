import { useEffect } from 'react';
import { useLocation } from 'react-router';

/** A link such as /editeur/profil#mandat: once the page's data is there, its section is brought into view. */
export function useScrollToHash(ready: boolean) {
  const { hash } = useLocation();
  useEffect(() => {
    if (!ready || !hash) return;
    const element = document.getElementById(decodeURIComponent(hash.slice(1)));
    // Below the fixed header: scroll-margin-top is set on the sections.
    element?.scrollIntoView({ behavior: 'smooth', block: 'start' });
  }, [ready, hash]);
}

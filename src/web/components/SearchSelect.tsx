import { useMemo, useState } from 'react';
import { Select, type SelectProps } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';

export type SearchOption = { value: string; label: string };

type Props = Omit<SelectProps, 'data' | 'searchable' | 'searchValue' | 'onSearchChange' | 'filter' | 'value' | 'onChange'> & {
  /** what the picker searches: part of the query key, so another filter means another search */
  queryKey: readonly unknown[];
  /** the first matches of `q` (empty: the first ones), filtered by the server */
  search: (q: string) => Promise<SearchOption[]>;
  /** the label of a value that is not among the matches shown (a value read from the URL, say) */
  resolve?: (value: string) => Promise<SearchOption | null>;
  /** options always offered first (e.g. "you") */
  extra?: SearchOption[];
  value: string | null;
  onChange: (value: string | null) => void;
  /** false: no request (e.g. a picker the role does not use) */
  enabled?: boolean;
};

/**
 * A picker over a list too long to load: the server filters as the user types (debounced) and
 * answers its first page of matches, so a client beyond the first 500 is found by typing its name.
 * The option chosen keeps its label whatever the current matches are.
 */
export function SearchSelect({ queryKey, search, resolve, extra = [], value, onChange, enabled = true, ...props }: Props) {
  const { t } = useTranslation();
  const [typed, setTyped] = useState('');
  const [chosen, setChosen] = useState<SearchOption | null>(null);
  const [debounced] = useDebouncedValue(typed, 250);
  // Typing the chosen label back (Mantine shows it in the input) is not a new search.
  const q = chosen && debounced === chosen.label ? '' : debounced.trim();
  const matches = useQuery({
    queryKey: [...queryKey, 'search', q],
    queryFn: () => search(q),
    enabled,
    placeholderData: (previous) => previous,
  });
  const known = [...extra, ...(matches.data ?? [])].find((o) => o.value === value) ?? (chosen?.value === value ? chosen : null);
  const resolved = useQuery({
    queryKey: [...queryKey, 'resolve', value],
    queryFn: () => resolve!(value!),
    enabled: enabled && Boolean(value && resolve && !known),
  });
  const current = known ?? resolved.data ?? null;
  const data = useMemo(() => {
    const out: SearchOption[] = [];
    const seen = new Set<string>();
    for (const o of [...extra, ...(current ? [current] : []), ...(matches.data ?? [])]) {
      if (!seen.has(o.value)) out.push(o);
      seen.add(o.value);
    }
    return out;
  }, [extra, current, matches.data]);
  return (
    <Select
      {...props}
      data={data}
      value={value}
      onChange={(v, option) => {
        setChosen(v ? { value: v, label: option?.label ?? v } : null);
        onChange(v);
      }}
      searchable
      searchValue={typed}
      onSearchChange={setTyped}
      // The server has filtered already (accents and case included): show what it found.
      filter={({ options }) => options}
      nothingFoundMessage={matches.isFetching ? t('common.loading') : t('common.nothingFound')}
    />
  );
}

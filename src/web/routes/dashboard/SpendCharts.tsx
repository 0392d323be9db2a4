import { AreaChart, BarChart } from '@mantine/charts';
import { useTranslation } from 'react-i18next';
import type { Bucket } from '../../api/dashboard';
import { formatEuros, formatPeriod } from '../../components/format';

type Point = { period: string; cents: number };

/** Spend (or earnings) over time: one area per period of the range. Its own chunk (recharts). */
export function SeriesChart({
  series,
  bucket,
  label,
  testId,
}: {
  series: Point[];
  bucket: Bucket;
  label: string;
  testId: string;
}) {
  const data = series.map((p) => ({ period: formatPeriod(p.period, bucket), amount: p.cents / 100 }));
  return (
    <div data-testid={testId}>
      <AreaChart
        h={240}
        data={data}
        dataKey="period"
        curveType="monotone"
        withDots={series.length <= 31}
        valueFormatter={(v) => formatEuros(Math.round(v * 100))}
        yAxisProps={{ width: 90 }}
        series={[{ name: 'amount', label, color: 'blue.6' }]}
      />
    </div>
  );
}

/** Spend per client or per collaborator, the largest first, « autres » last. */
export function GroupBars({ groups }: { groups: { name: string; cents: number }[] }) {
  const { t } = useTranslation();
  const data = groups.map((g) => ({ name: g.name, amount: g.cents / 100 }));
  return (
    <div data-testid="spend-groups-chart">
      <BarChart
        h={Math.max(120, 36 * data.length + 40)}
        data={data}
        dataKey="name"
        orientation="vertical"
        valueFormatter={(v) => formatEuros(Math.round(v * 100))}
        yAxisProps={{ width: 150 }}
        series={[{ name: 'amount', label: t('cockpit.spend.amount'), color: 'teal.6' }]}
      />
    </div>
  );
}

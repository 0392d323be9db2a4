import { BarChart } from '@mantine/charts';
import { useTranslation } from 'react-i18next';
import type { MonthFigures } from '../../api/payouts';
import { formatEuros } from '../../components/format';
import { monthLabel } from './shared';

/** The bars of the last twelve months: earned, pending (control period), paid out. Its own chunk (recharts). */
export default function MonthlyBars({ byMonth }: { byMonth: MonthFigures[] }) {
  const { t } = useTranslation();
  const data = byMonth.map((m) => ({
    month: monthLabel(m.month),
    earned: m.earnedCents / 100,
    pending: m.pendingCents / 100,
    paid: m.paidCents / 100,
  }));
  return (
    <BarChart
      h={260}
      data={data}
      dataKey="month"
      withLegend
      legendProps={{ verticalAlign: 'bottom' }}
      valueFormatter={(v) => formatEuros(Math.round(v * 100))}
      yAxisProps={{ width: 90 }}
      series={[
        { name: 'earned', label: t('payouts.chart.earned'), color: 'blue.6' },
        { name: 'pending', label: t('payouts.chart.pending'), color: 'yellow.6' },
        { name: 'paid', label: t('payouts.chart.paid'), color: 'teal.6' },
      ]}
    />
  );
}

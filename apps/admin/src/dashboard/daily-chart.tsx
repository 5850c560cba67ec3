import { useId } from "react";
import type { RouterOutputs } from "../api/trpc";
import { format, useI18n } from "../i18n/i18n";

type Stats = RouterOutputs["dashboard"]["stats"];
type Day = Stats["days"][number];

/** The four series, in the order a message lives them; each has its own colour in styles.css. */
export const SERIES = ["sent", "delivered", "read", "failed"] as const;
type Series = (typeof SERIES)[number];

const WIDTH = 720;
const HEIGHT = 240;
const PLOT = { left: 36, right: 8, top: 12, bottom: 36 };

/** A round top for the axis: 1, 2 or 5 times a power of ten, at least the largest bar. */
function axisTop(largest: number): number {
  if (largest <= 4) return 4;
  const power = 10 ** Math.floor(Math.log10(largest));
  const step = [1, 2, 5, 10].find((factor) => factor * power >= largest) ?? 10;
  return step * power;
}

/** "2026-12-10" → "10/12": short enough for 14 labels side by side, and unambiguous in both languages. */
function shortDay(day: string): string {
  const [, month, date] = day.split("-");
  return `${date}/${month}`;
}

/**
 * The 14 days as grouped bars in inline SVG (no chart library: the panel's JS budget). The SVG is an
 * image with a title and a summary of today; the same numbers are in a table below it for screen
 * readers and for anyone who wants the exact values.
 */
export function DailyChart({ stats }: { stats: Stats }) {
  const { t } = useI18n();
  const titleId = useId();
  const descId = useId();
  const days = stats.days;
  const today = days.at(-1) ?? { day: "", sent: 0, delivered: 0, read: 0, failed: 0 };
  const top = axisTop(Math.max(0, ...days.flatMap((day) => SERIES.map((series) => day[series]))));
  const plotWidth = WIDTH - PLOT.left - PLOT.right;
  const plotHeight = HEIGHT - PLOT.top - PLOT.bottom;
  const groupWidth = plotWidth / Math.max(1, days.length);
  const barWidth = (groupWidth * 0.8) / SERIES.length;
  const y = (value: number) => PLOT.top + plotHeight - (value / top) * plotHeight;
  const ticks = [0, top / 2, top];

  return (
    <figure className="daily-chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-labelledby={`${titleId} ${descId}`}
        preserveAspectRatio="xMidYMid meet"
      >
        <title id={titleId}>{t.dashboard.chartTitle}</title>
        <desc id={descId}>
          {format(t.dashboard.chartSummary, { timeZone: stats.timeZone, ...counts(today) })}
        </desc>
        {ticks.map((tick) => (
          <g key={tick} className="chart-grid">
            <line x1={PLOT.left} x2={WIDTH - PLOT.right} y1={y(tick)} y2={y(tick)} />
            <text x={PLOT.left - 6} y={y(tick)} dy="0.32em" textAnchor="end">
              {tick}
            </text>
          </g>
        ))}
        {days.map((day, index) => {
          const groupX = PLOT.left + index * groupWidth + groupWidth * 0.1;
          const isToday = index === days.length - 1;
          return (
            <g key={day.day} data-day={day.day}>
              {SERIES.map((series, seriesIndex) => (
                <rect
                  key={series}
                  className={`bar bar-${series}`}
                  data-series={series}
                  data-value={day[series]}
                  x={groupX + seriesIndex * barWidth}
                  y={y(day[series])}
                  width={Math.max(1, barWidth - 1)}
                  height={Math.max(0, y(0) - y(day[series]))}
                >
                  <title>{barTitle(t, day, series)}</title>
                </rect>
              ))}
              <text
                className={isToday ? "chart-day chart-today" : "chart-day"}
                x={PLOT.left + index * groupWidth + groupWidth / 2}
                y={HEIGHT - PLOT.bottom + 16}
                textAnchor="middle"
              >
                {shortDay(day.day)}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>
        <ul className="chart-legend">
          {SERIES.map((series) => (
            <li key={series}>
              <span className={`swatch bar-${series}`} aria-hidden="true" />
              {t.dashboard.series[series]}
            </li>
          ))}
        </ul>
      </figcaption>
      <details className="chart-table">
        <summary>{t.dashboard.showTable}</summary>
        <table>
          <caption>
            {format(t.dashboard.chartSummary, { timeZone: stats.timeZone, ...counts(today) })}
          </caption>
          <thead>
            <tr>
              <th scope="col">{t.dashboard.day}</th>
              {SERIES.map((series) => (
                <th scope="col" key={series}>
                  {t.dashboard.series[series]}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {days.map((day) => (
              <tr key={day.day} data-day={day.day}>
                <th scope="row">{day.day}</th>
                {SERIES.map((series) => (
                  <td key={series} data-series={series}>
                    {day[series]}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}

function counts(day: Day): Record<Series, number> {
  return { sent: day.sent, delivered: day.delivered, read: day.read, failed: day.failed };
}

function barTitle(t: ReturnType<typeof useI18n>["t"], day: Day, series: Series): string {
  return format(t.dashboard.barTitle, {
    day: day.day,
    count: day[series],
    series: t.dashboard.series[series].toLowerCase(),
  });
}

/** Small line icons for the account tiles; decorative, so hidden from assistive technology. */
const PATHS = {
  lock: 'M7 11V8a5 5 0 0 1 10 0v3M5 11h14v10H5zM12 15v2',
  box: 'M3 7l9-4 9 4v10l-9 4-9-4zM3 7l9 4 9-4M12 11v10',
  home: 'M3 11l9-7 9 7M5 10v10h5v-6h4v6h5V10',
  card: 'M3 6h18v12H3zM3 10h18M7 15h4',
  apps: 'M4 4h6v6H4zM14 4h6v6h-6zM4 14h6v6H4zM14 14h6v6h-6z',
  mail: 'M3 6h18v12H3zM3 6l9 7 9-7',
  download: 'M12 3v12M7 10l5 5 5-5M4 19h16',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name }: { name: IconName }) {
  return (
    <svg class="icon" viewBox="0 0 24 24" width="28" height="28" aria-hidden="true" focusable="false">
      <path d={PATHS[name]} fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round" />
    </svg>
  );
}

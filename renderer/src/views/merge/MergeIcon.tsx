/** The Merge nav icon: two lanes joining into one (16px stroke, like Icons.tsx). */
import type { SVGProps } from 'react';

export function MergeIcon({ size = 16, ...rest }: SVGProps<SVGSVGElement> & { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth={1.5} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false" {...rest}>
      <circle cx="4" cy="3" r="1.5" />
      <circle cx="12" cy="5.5" r="1.5" />
      <circle cx="4" cy="13" r="1.5" />
      <path d="M4 4.5v7M12 7c0 3-3 4.5-7.2 5.3" />
    </svg>
  );
}

/**
 * Renderer entry: pick the transport (preload bridge or serve WebSocket), apply the theme
 * before the first paint, and mount the app under react-query.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { callKey, TransportProvider } from './api/hooks';
import { createTransport } from './api/transport';
import { App } from './shell/App';
import { SessionProvider } from './shell/session';
import { applyInitialTheme } from './shell/theme';
import './styles/theme.css';
import './styles/app.css';

function start(): void {
  applyInitialTheme();
  const transport = createTransport();
  const client = new QueryClient({
    defaultOptions: { queries: { refetchOnWindowFocus: false } },
  });
  // Ask what to open first before anything else: the first rows wait on it.
  void client.prefetchQuery({ queryKey: callKey('app.info', {}), queryFn: () => transport.call('app.info', {}), staleTime: Infinity });
  const root = document.getElementById('root');
  if (!root) throw new Error('#root missing from index.html');
  createRoot(root).render(
    <StrictMode>
      <TransportProvider transport={transport}>
        <QueryClientProvider client={client}>
          <SessionProvider>
            <App />
          </SessionProvider>
        </QueryClientProvider>
      </TransportProvider>
    </StrictMode>,
  );
}

start();

/** Prometheus metrics of the chat service (see docs/scaling.md for names and scraping). */
export { createMetrics, type ChatMetrics } from './registry';
export { metricsObserver } from './realtime-observer';
export { registerMetricsRoutes } from './http';

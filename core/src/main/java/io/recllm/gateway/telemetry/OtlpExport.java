package io.recllm.gateway.telemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporterBuilder;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.recllm.gateway.config.TelemetrySettings;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's own OpenTelemetry SDK when {@code telemetry.otlp_endpoint} is set: spans in batches
 * and the GenAI metrics periodically, over OTLP http/protobuf. Kept in its own class so the SDK's
 * classes are never loaded when export is off. Not registered globally: an application's own
 * OpenTelemetry setup is left alone.
 */
final class OtlpExport {

  /** API types only, so that callers do not drag SDK classes in when export is off. */
  record Export(OpenTelemetry openTelemetry, AutoCloseable shutdown) {}

  private OtlpExport() {}

  static Export create(TelemetrySettings settings) {
    String base = baseUrl(settings.otlpEndpoint());
    Resource resource = Resource.getDefault().merge(Resource.create(
        Attributes.of(AttributeKey.stringKey("service.name"), settings.serviceName())));

    OtlpHttpSpanExporterBuilder spans = OtlpHttpSpanExporter.builder().setEndpoint(base + "/v1/traces");
    settings.otlpHeaders().forEach(spans::addHeader);
    SdkTracerProvider tracerProvider = SdkTracerProvider.builder()
        .setResource(resource)
        .addSpanProcessor(BatchSpanProcessor.builder(spans.build()).build())
        .build();

    OtlpHttpMetricExporterBuilder metrics = OtlpHttpMetricExporter.builder().setEndpoint(base + "/v1/metrics");
    settings.otlpHeaders().forEach(metrics::addHeader);
    SdkMeterProvider meterProvider = SdkMeterProvider.builder()
        .setResource(resource)
        .registerMetricReader(PeriodicMetricReader.builder(metrics.build())
            .setInterval(Duration.ofMillis(settings.otlpMetricsIntervalMs())).build())
        .build();

    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(tracerProvider)
        .setMeterProvider(meterProvider)
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
    // sends what is buffered, then stops; bounded so a dead collector cannot hold up shutdown
    return new Export(sdk, () -> sdk.shutdown().join(10, TimeUnit.SECONDS));
  }

  /** Like OTEL_EXPORTER_OTLP_ENDPOINT: a base URL; a signal path given by mistake is tolerated. */
  static String baseUrl(String endpoint) {
    String base = endpoint.trim();
    while (base.endsWith("/")) base = base.substring(0, base.length() - 1);
    for (String signal : new String[] {"/v1/traces", "/v1/metrics"}) {
      if (base.endsWith(signal)) base = base.substring(0, base.length() - signal.length());
    }
    return base;
  }
}

package io.recllm.gateway.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.trace.v1.Span;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code telemetry.otlp_endpoint} against an in-process OTLP receiver: a Vert.x server taking
 * http/protobuf posts on {@code /v1/traces} and {@code /v1/metrics}, decoded with the OTLP protobuf
 * classes, as a collector would.
 */
class OtlpExportTest {

  record Post(String path, MultiMap headers, Buffer body) {}

  Vertx vertx;
  HttpServer receiver;
  final List<Post> posts = new CopyOnWriteArrayList<>();

  @BeforeEach
  void startReceiver() throws Exception {
    vertx = Vertx.vertx();
    receiver = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
      posts.add(new Post(req.path(), MultiMap.caseInsensitiveMultiMap().addAll(req.headers()), body));
      // an empty Export*ServiceResponse is an empty protobuf message
      req.response().putHeader("content-type", "application/x-protobuf").end();
    }));
    receiver.listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stopReceiver() throws Exception {
    receiver.close().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void spansAndGenAiMetricsReachTheCollector() throws Exception {
    String trace = "4bf92f3577b34da6a3ce929d0e0e4736";
    String parent = "00f067aa0ba902b7";
    try (TelemetryGateway gw = TelemetryGateway.start("""
        usage: { store: memory }
        telemetry:
          access_log: off
          otlp_endpoint: "http://127.0.0.1:%d"
          otlp_headers: { x-collector-token: "${COLLECTOR_TOKEN}" }
          service_name: gateway-under-test
        """.formatted(receiver.actualPort()), Map.of("COLLECTOR_TOKEN", "t0k3n"), b -> { })) {
      assertThat(gw.gateway.telemetry().openTelemetry()).isNotSameAs(OpenTelemetry.noop());
      assertThat(gw.chat("{\"model\":\"mock:echo\",\"max_tokens\":20,\"temperature\":0.5,"
          + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello there\"}]}",
          "traceparent", "00-" + trace + "-" + parent + "-01", "x-request-id", "otlp-1").statusCode()).isEqualTo(200);
      TelemetryGateway.await(() -> gw.records.size() == 1, "the usage record");
    } // closing flushes the batch span processor and the metric reader

    List<Post> traces = posts.stream().filter(p -> p.path().equals("/v1/traces")).toList();
    assertThat(traces).isNotEmpty();
    assertThat(traces.get(0).headers().get("content-type")).isEqualTo("application/x-protobuf");
    assertThat(traces.get(0).headers().get("x-collector-token")).isEqualTo("t0k3n");

    List<Span> spans = new java.util.ArrayList<>();
    String serviceName = null;
    for (Post p : traces) {
      ExportTraceServiceRequest req = ExportTraceServiceRequest.parseFrom(p.body().getBytes());
      for (var rs : req.getResourceSpansList()) {
        serviceName = attributes(rs.getResource().getAttributesList()).get("service.name").getStringValue();
        rs.getScopeSpansList().forEach(ss -> spans.addAll(ss.getSpansList()));
      }
    }
    assertThat(serviceName).isEqualTo("gateway-under-test");
    assertThat(spans).hasSize(1);
    Span span = spans.get(0);
    assertThat(span.getName()).isEqualTo("chat echo");
    assertThat(span.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
    assertThat(HexFormat.of().formatHex(span.getTraceId().toByteArray())).isEqualTo(trace);
    assertThat(HexFormat.of().formatHex(span.getParentSpanId().toByteArray())).isEqualTo(parent);
    Map<String, AnyValue> a = attributes(span.getAttributesList());
    assertThat(a.get("gen_ai.operation.name").getStringValue()).isEqualTo("chat");
    assertThat(a.get("gen_ai.provider.name").getStringValue()).isEqualTo("mock");
    assertThat(a.get("gen_ai.request.model").getStringValue()).isEqualTo("echo");
    assertThat(a.get("gen_ai.response.model").getStringValue()).isEqualTo("echo");
    assertThat(a.get("gen_ai.request.max_tokens").getIntValue()).isEqualTo(20);
    assertThat(a.get("gen_ai.request.temperature").getDoubleValue()).isEqualTo(0.5);
    assertThat(a.get("gen_ai.usage.input_tokens").getIntValue()).isPositive();
    assertThat(a.get("gen_ai.usage.output_tokens").getIntValue()).isPositive();
    assertThat(a.get("gen_ai.response.finish_reasons").getArrayValue().getValuesList())
        .extracting(AnyValue::getStringValue).containsExactly("stop");
    assertThat(a.get("rec_llm_gateway.request_id").getStringValue()).isEqualTo("otlp-1");

    List<Metric> metrics = new java.util.ArrayList<>();
    for (Post p : posts.stream().filter(p -> p.path().equals("/v1/metrics")).toList()) {
      ExportMetricsServiceRequest req = ExportMetricsServiceRequest.parseFrom(p.body().getBytes());
      req.getResourceMetricsList().forEach(rm -> rm.getScopeMetricsList().forEach(sm -> metrics.addAll(sm.getMetricsList())));
    }
    assertThat(metrics).extracting(Metric::getName)
        .contains("gen_ai.client.token.usage", "gen_ai.client.operation.duration");
    Metric tokens = metrics.stream().filter(m -> m.getName().equals("gen_ai.client.token.usage")).findFirst().orElseThrow();
    assertThat(tokens.getHistogram().getDataPointsList()).extracting(dp ->
        attributes(dp.getAttributesList()).get("gen_ai.token.type").getStringValue()).containsExactlyInAnyOrder("input", "output");
    assertThat(tokens.getHistogram().getDataPointsList()).allSatisfy(dp -> assertThat(dp.getCount()).isEqualTo(1));
  }

  @Test
  void aTrailingSignalPathInTheEndpointIsTolerated() {
    assertThat(OtlpExport.baseUrl("http://collector:4318/")).isEqualTo("http://collector:4318");
    assertThat(OtlpExport.baseUrl("http://collector:4318/v1/traces")).isEqualTo("http://collector:4318");
    assertThat(OtlpExport.baseUrl("https://otlp.example/api/")).isEqualTo("https://otlp.example/api");
  }

  static Map<String, AnyValue> attributes(List<KeyValue> kvs) {
    return kvs.stream().collect(Collectors.toMap(KeyValue::getKey, KeyValue::getValue));
  }
}

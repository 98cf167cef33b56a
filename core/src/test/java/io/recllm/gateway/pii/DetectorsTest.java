package io.recllm.gateway.pii;

import static org.assertj.core.api.Assertions.assertThat;

import io.recllm.gateway.pii.Detectors.Match;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Each built-in detector on values it must find and on look-alikes it must leave alone. */
class DetectorsTest {

  private static List<String> found(String kind, String text) {
    Detectors.Detector d = Detectors.builtIn(kind);
    List<Match> out = new ArrayList<>();
    d.find(text, new Detectors.TextFacts(text), out);
    return out.stream().map(m -> text.substring(m.start(), m.end())).toList();
  }

  private static void finds(String kind, String value) {
    assertThat(found(kind, "Please note: " + value + ", thanks.")).containsExactly(value);
  }

  private static void ignores(String kind, String text) {
    assertThat(found(kind, "Please note: " + text + ", thanks.")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"jane.doe@example.com", "j+tag@mail.example.co.uk", "x_y-z@sub-domain.example.org"})
  void emails(String value) {
    finds(Detectors.EMAIL, value);
  }

  @ParameterizedTest
  @ValueSource(strings = {"@handle", "user@localhost", "a@b.c", "price is 5 @ 3.50"})
  void notEmails(String text) {
    ignores(Detectors.EMAIL, text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"+1 650-253-0000", "(650) 253-0000", "+44 20 7946 0958", "+49 30 901820",
      "+33 1 42 68 53 00", "+81 3-3224-5000", "+61 2 9374 4000"})
  void phoneNumbersOfSeveralCountries(String value) {
    finds(Detectors.PHONE, value);
  }

  @ParameterizedTest
  @ValueSource(strings = {"12345", "the year 2024", "version 1.2.3", "+44 12", "order 000-000-0000", "on 2024-01-15"})
  void notPhoneNumbers(String text) {
    ignores(Detectors.PHONE, text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"4111 1111 1111 1111", "4111111111111111", "5500-0000-0000-0004", "378282246310005",
      "6011 0009 9013 9424"})
  void validCardNumbers(String value) {
    finds(Detectors.CARD, value);
  }

  @ParameterizedTest
  @ValueSource(strings = {"4111 1111 1111 1112", "1234567890123456", "5500-0000-0000-0005", "411111111111",
      "41111111111111111111111"})
  void invalidCardNumbers(String text) {
    ignores(Detectors.CARD, text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"DE89 3704 0044 0532 0130 00", "DE89370400440532013000", "GB82 WEST 1234 5698 7654 32",
      "FR14 2004 1010 0505 0001 3M02 606", "NL91ABNA0417164300"})
  void validIbans(String value) {
    finds(Detectors.IBAN, value);
  }

  @ParameterizedTest
  @ValueSource(strings = {"DE89 3704 0044 0532 0130 01", "GB82 WEST 1234 5698 7654 33", "NL91ABNA0417164301", "XX00 1234"})
  void invalidIbans(String text) {
    ignores(Detectors.IBAN, text);
  }

  @org.junit.jupiter.api.Test
  void anIbanBeforeCapitalisedWordsIsFoundWithoutThem() {
    assertThat(found(Detectors.IBAN, "IBAN DE89 3704 0044 0532 0130 00 AND MORE")).containsExactly("DE89 3704 0044 0532 0130 00");
  }

  @ParameterizedTest
  @ValueSource(strings = {"123-45-6789", "078-05-1120"})
  void ssns(String value) {
    finds(Detectors.SSN, value);
  }

  @ParameterizedTest
  @ValueSource(strings = {"000-12-3456", "666-12-3456", "900-12-3456", "123-00-4567", "123-45-0000", "123-45-67890",
      "2024-01-15"})
  void notSsns(String text) {
    ignores(Detectors.SSN, text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"192.168.1.20", "10.0.0.1", "2001:db8::8a2e:370:7334", "fe80::1", "::1",
      "2001:0db8:0000:0000:0000:ff00:0042:8329"})
  void ipAddresses(String value) {
    finds(Detectors.IP, value);
  }

  @ParameterizedTest
  @ValueSource(strings = {"256.1.1.1", "1.2.3", "at 12:30:45", "ratio 3:2", "a::b::c"})
  void notIpAddresses(String text) {
    ignores(Detectors.IP, text);
  }

  @ParameterizedTest
  @ValueSource(strings = {"sk-proj-FAKEtestOnlyKEY0000000001", "sk-ant-api03-FAKEtestOnlyKEY000002",
      "AKIAIOSFODNN7EXAMPLE", "ghp_FAKEtestOnlyTOKEN0000000000000003", "xoxb-0000000000-FAKE-test-only-4",
      "q8Zr3XbT1mKd9PwLf2YcVn7Hs4Jg6Ra0Ue5"})
  void secrets(String value) {
    finds(Detectors.SECRET, value);
  }

  @ParameterizedTest
  @ValueSource(strings = {"internationalization-and-localization", "da39a3ee5e6b4b0d3255bfef95601890afd80709",
      "123e4567-e89b-12d3-a456-426614174000", "thisIsAVeryLongJavaIdentifierName", "sk-learn"})
  void notSecrets(String text) {
    ignores(Detectors.SECRET, text);
  }

  @ParameterizedTest
  @CsvSource({"EMP-123456,true", "EMP-12345,false", "emp-123456,false"})
  void customPatterns(String text, boolean isFound) {
    Detectors.Detector d = Detectors.custom("employee_id", Pattern.compile("EMP-[0-9]{6}\\b"));
    List<Match> out = new ArrayList<>();
    d.find("id " + text + " here", new Detectors.TextFacts(text), out);
    assertThat(out).hasSize(isFound ? 1 : 0);
  }
}

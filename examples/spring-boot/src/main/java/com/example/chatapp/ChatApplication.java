package com.example.chatapp;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * An application that serves the gateway's OpenAI-compatible routes under {@code /llm} of its own server,
 * with the providers of {@code application.yaml} and the gateway's meters in {@code /actuator/prometheus}.
 */
@SpringBootApplication
public class ChatApplication {

  public static void main(String[] args) {
    SpringApplication.run(ChatApplication.class, args);
  }
}

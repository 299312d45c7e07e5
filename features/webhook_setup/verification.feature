@webhook_setup
Feature: Webhook verification handshake
  Before Meta delivers anything, it calls the webhook with hub.mode=subscribe, the app's verify
  token and a random challenge; the webhook must answer 200 with the raw challenge, and must
  refuse a handshake that carries a different verify token (spec §4.1).

  @HOP-VERIFY-001 @HOP-VERIFY-CHALLENGE @secondary @primary
  Scenario: The webhook answers the handshake with the challenge
    When the platform verifies the webhook of the system under test
    Then the handshake succeeds

  @HOP-VERIFY-002 @HOP-VERIFY-TOKEN @secondary @primary
  Scenario: A handshake with the wrong verify token is refused
    When the platform verifies the webhook of the system under test with the verify token "not-the-right-token"
    Then the handshake fails

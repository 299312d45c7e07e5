@webhook_setup
Feature: Webhook signatures
  Every webhook POST carries X-Hub-Signature-256 (HMAC-SHA256 of the raw body, keyed with the
  app secret) and the legacy X-Hub-Signature (sha1). A receiver must verify the sha256 header
  over the exact bytes it received and refuse anything else (spec §4.2, §6.15).

  @HOP-SIG-001 @HOP-SIG-SHA256 @secondary @primary
  Scenario: An unsigned webhook is rejected
    Given a user "Anna"
    When a webhook for Anna arrives without any signature
    Then the system under test rejects the webhook

  @HOP-SIG-002 @HOP-SIG-SHA256 @secondary @primary
  Scenario: A forged sha256 signature is rejected even when the sha1 signature is valid
    Given a user "Anna"
    When a webhook for Anna arrives with a forged X-Hub-Signature-256 and a valid X-Hub-Signature
    Then the system under test rejects the webhook

  @HOP-SIG-003 @HOP-SIG-SHA256 @secondary @primary
  Scenario: A webhook signed with another app's secret is rejected
    Given a user "Anna"
    When a webhook for Anna arrives signed with the wrong app secret
    Then the system under test rejects the webhook

  @HOP-SIG-004 @HOP-SIG-RAW @HOP-DELIVERY-ACK @secondary @primary
  Scenario: Non-ASCII text and URLs are verified over the raw bytes
    Given a user "Zofia" who writes in Polish
    When Zofia writes "Zażółć gęślą jaźń — zamówienie https://sklep.example.pl/zamówienia/123"
    Then the system under test acknowledges every webhook

  @HOP-SIG-005 @HOP-SIG-RAW @HOP-DELIVERY-ACK @secondary @primary
  Scenario: Cyrillic text is verified over the escaped bytes Meta sends
    Given a user "Dmitri" who writes in Russian
    When Dmitri writes "Здравствуйте, где мой заказ? /заказы/42"
    Then the system under test acknowledges every webhook

  @HOP-SIG-006 @HOP-DELIVERY-ACK @secondary @primary
  Scenario: A genuine webhook is acknowledged with 200
    Given a user "Anna"
    When Anna writes "Hello"
    Then the system under test acknowledges every webhook

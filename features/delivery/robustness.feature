@delivery
Feature: Delivery robustness
  Meta retries failed webhooks (so duplicates happen), may batch several entries into one POST,
  may reorder events when retrying, and treats a late answer as a failure (spec §3.1, §4.3, §4.4,
  §6.14). A receiver answers quickly and processes every event exactly once.

  @HOP-DELIV-001 @HOP-DELIVERY-TIMEOUT @secondary @primary
  Scenario: Every webhook is acknowledged at the first attempt within the platform timeout
    Given the platform's webhook response timeout is 0.5 seconds
    And a user "Anna"
    When Anna writes "Hello"
    Then the system under test acknowledges every webhook at the first attempt

  @HOP-DELIV-002 @HOP-IDEMPOTENT-MID @secondary
  Scenario: A duplicated handover is routed once and greeted once
    Given the platform delivers every webhook twice
    And a user "Anna"
    And Anna has been chatting with the bot
    When Anna writes "I need a human agent"
    Then the contact centre owns Anna's conversation
    And the contact centre sends Anna at most 1 message

  @HOP-DELIV-003 @HOP-IDEMPOTENT-MID @secondary @cap-conversation @adapter-reported
  Scenario: A duplicated user message appears once in the conversation
    Given the platform delivers every webhook twice
    And a user "Anna"
    And Anna has been handed over to the contact centre
    When Anna writes "My order number is 98765"
    Then the contact centre shows "My order number is 98765" once in Anna's conversation

  @HOP-DELIV-004 @HOP-BATCH @secondary @cap-conversation @adapter-reported
  Scenario: Every event of a batched webhook is processed
    Given the platform batches up to 5 entries in one webhook
    And a user "Anna"
    And Anna has been handed over to the contact centre
    When Anna writes "first"
    And Anna writes "second"
    And Anna writes "third"
    Then the contact centre acknowledges every webhook
    And the contact centre shows "first" once in Anna's conversation
    And the contact centre shows "second" once in Anna's conversation
    And the contact centre shows "third" once in Anna's conversation

  @HOP-DELIV-005 @HOP-REORDER @secondary @cap-conversation @adapter-reported
  Scenario: Reordered webhooks are shown in the order the user wrote them
    Given the platform reorders webhooks
    And a user "Anna"
    And Anna has been handed over to the contact centre
    When Anna writes "one"
    And Anna writes "two"
    And Anna writes "three"
    Then the contact centre acknowledges every webhook
    And the contact centre shows Anna's messages "one", "two", "three" in this order

  @HOP-DELIV-006 @HOP-IDEMPOTENT-MID @HOP-DELIVERY-ACK @secondary
  Scenario: Duplicated standby messages are acknowledged and not answered
    Given the platform delivers every webhook twice
    And a user "Anna"
    And Anna has been chatting with the bot
    When Anna writes "Just browsing"
    Then the contact centre acknowledges every webhook
    And the contact centre sends nothing to Anna

  @HOP-DELIV-007 @HOP-ROBUST-TEXT @secondary @cap-reply
  Scenario: Text that looks like markup or script is only text
    Given a user "Anna"
    And Anna has been handed over to the contact centre
    When Anna writes "<script>alert('user')</script><img src=x onerror=alert(1)> ok? 😀 שלום"
    Then the contact centre receives Anna's message on the messaging channel
    And the contact centre acknowledges every webhook
    When the agent replies "</pre><script>alert('agent')</script>&amp; done" to Anna
    Then the contact centre sends Anna exactly 1 message

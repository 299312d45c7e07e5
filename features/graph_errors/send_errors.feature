@graph_errors
Feature: Graph API error handling
  The Send API can fail transiently (1200), throttle (613, 4) or refuse a non-owner (10/2018300).
  A contact centre retries what is transient and regains control when it is not the owner
  (spec §2.1, §2.2, §6.6).

  @HOP-GRAPH-001 @HOP-GRAPH-RETRY-TRANSIENT @secondary @cap-reply
  Scenario: A temporary send failure (1200) is retried
    Given a user "Anna"
    And Anna has been handed over to the contact centre
    And the Send API fails once for the contact centre with error 1200
    When the agent replies "Thanks for waiting." to Anna
    Then the contact centre sends Anna "Thanks for waiting."

  @HOP-GRAPH-002 @HOP-GRAPH-RETRY-RATE @secondary @cap-reply
  Scenario: A rate-limit error (613) is retried
    Given a user "Anna"
    And Anna has been handed over to the contact centre
    And the Send API fails once for the contact centre with error 613
    When the agent replies "Thanks for waiting." to Anna
    Then the contact centre sends Anna "Thanks for waiting."

  @HOP-GRAPH-003 @HOP-GRAPH-RETRY-RATE @secondary @cap-reply
  Scenario: An application rate-limit error (4) is retried
    Given a user "Anna"
    And Anna has been handed over to the contact centre
    And the Send API fails once for the contact centre with error 4
    When the agent replies "Thanks for waiting." to Anna
    Then the contact centre sends Anna "Thanks for waiting."

  @HOP-GRAPH-004 @HOP-SEND-OWNER @hop_v2 @conversation_routing @secondary @cap-reply
  Scenario: A reply rejected with 2018300 is sent after regaining control
    Given a user "Anna"
    And Anna has been handed over to the contact centre
    And the contact centre has lost control of Anna's conversation to the bot without being told
    When the agent replies "One more thing about your order." to Anna
    Then the contact centre sends Anna "One more thing about your order."

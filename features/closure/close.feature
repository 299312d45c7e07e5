@closure
Feature: Closing a conversation
  After answering, an agent closes the conversation and should at the same time pass it back to
  the bot; otherwise the user's next message goes straight to an agent and the bot is not
  started again (SentiOne seed). Passing back means pass_thread_control to the Primary's app id.

  @HOP-CLOSE-001 @HOP-CLOSE-PASSBACK @secondary @cap-close
  Scenario: Closing with "pass to bot" hands the thread back to the bot
    Given a user "Anna"
    And Anna has been handed over to the contact centre
    When the agent closes Anna's conversation and passes it back to the bot
    Then the contact centre passes control of Anna's conversation to the bot
    And the bot owns Anna's conversation

  @HOP-CLOSE-002 @HOP-PASS-TARGET @secondary @cap-close
  Scenario: Control is passed back to the bot's app id, never to the Page Inbox
    Given a user "Anna"
    And Anna has been handed over to the contact centre
    When the agent closes Anna's conversation and passes it back to the bot
    Then every handover call of the contact centre for Anna targets the bot
    And the Page Inbox does not own Anna's conversation

  @HOP-CLOSE-003 @HOP-CLOSE-PASSBACK @secondary @cap-pass_to_bot
  Scenario: "Pass to bot" hands the thread back to the bot
    Given a user "Anna"
    And Anna has been handed over to the contact centre
    When the agent passes Anna's conversation to the bot
    Then the contact centre passes control of Anna's conversation to the bot
    And the bot owns Anna's conversation

  @HOP-CLOSE-004 @HOP-PASS-TARGET @secondary @cap-pass_to_bot
  Scenario: "Pass to bot" targets the bot's app id
    Given a user "Anna"
    And Anna has been handed over to the contact centre
    When the agent passes Anna's conversation to the bot
    Then every handover call of the contact centre for Anna targets the bot

  @HOP-CLOSE-005 @HOP-CLOSE-PASSBACK @HOP-ROUTE-STANDBY-SILENT @secondary @cap-close
  Scenario: After closing with pass-back the bot answers the next message
    Given a user "Anna"
    And the contact centre has closed Anna's conversation and passed it back to the bot
    When Anna writes "One more question about delivery"
    Then the bot sends Anna a message
    And the contact centre receives Anna's message on the standby channel
    And the contact centre sends nothing to Anna

  @HOP-CLOSE-006 @HOP-CLOSE-KEEP @secondary @cap-close
  Scenario: Closing without passing back makes no handover call
    Given a user "Anna"
    And Anna has been handed over to the contact centre
    When the agent closes Anna's conversation without passing it back to the bot
    Then the contact centre makes no handover call for Anna
    And the contact centre owns Anna's conversation

  @HOP-CLOSE-007 @HOP-CLOSE-KEEP @secondary @cap-close
  Scenario: After closing without pass-back the next message goes to the contact centre, not the bot
    Given a user "Anna"
    And the contact centre has closed Anna's conversation without passing it back to the bot
    When Anna writes "Hello? I have another question"
    Then the contact centre receives Anna's message on the messaging channel
    And the bot sends nothing to Anna

  @HOP-CLOSE-008 @HOP-CLOSE-MESSAGE @secondary @cap-close
  Scenario: The agent concluding the conversation sends a closing message
    Given a user "João" who writes in Portuguese
    And João has been handed over to the contact centre
    When the agent closes João's conversation and passes it back to the bot
    Then the contact centre sends João a message containing "Conversa concluída"

  @HOP-CLOSE-009 @HOP-CLOSE-PASSBACK @secondary @cap-close @cap-conversation @adapter-reported
  Scenario: A closed conversation is shown in Closed
    Given a user "Anna"
    And Anna has been handed over to the contact centre
    When the agent closes Anna's conversation and passes it back to the bot
    Then the contact centre shows Anna's conversation in Closed
    And Anna's conversation is not assigned to anyone

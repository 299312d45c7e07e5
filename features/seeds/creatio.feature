@seeds
Feature: Creatio with an external chat bot (seed 001, Russian)
  Creatio is the Secondary Receiver next to an external bot platform that is the Primary.
  Conversations the bot handled show up in Chats with the Operator field empty; one Facebook page
  can be linked to only one Creatio installation.

  @HOP-CRE-001 @HOP-INBOX-NEW-UNASSIGNED @secondary @cap-conversation @adapter-reported
  Scenario: A dialogue handled by the bot has no operator
    Given a user "Dmitri" who writes in Russian
    And Dmitri has been chatting with the bot
    When Dmitri writes "Какие у вас часы работы?"
    Then the bot sends Dmitri a message
    And Dmitri's conversation is not assigned to anyone

  @HOP-CRE-002 @HOP-PAGE-SCOPE @secondary @cap-conversation @adapter-reported
  Scenario: Entries of another page are ignored by this installation
    Given a user "Dmitri" who writes in Russian
    And Dmitri has been handed over to the contact centre
    When a correctly signed webhook for another page arrives with Dmitri writing "Сообщение с другой страницы"
    Then the system under test accepts the webhook
    And the contact centre does not show "Сообщение с другой страницы" in Dmitri's conversation

  @HOP-CRE-003 @HOP-HANDOVER-ACCEPT @secondary
  Scenario: The bot hands a Russian-speaking user to the operators
    Given a user "Dmitri" who writes in Russian
    And Dmitri has been chatting with the bot
    When Dmitri writes "Соедините меня с оператором"
    Then the bot passes control of Dmitri's conversation to the contact centre
    And the contact centre owns Dmitri's conversation
    And the contact centre acknowledges every webhook

"""Import the MPN benefits FAQ page into the knowledge file and Rasa responses."""

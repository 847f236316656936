"""What is read by people: verdict wording (`report`), the meeting packet (`packet`), the proposal
workbook (`proposal`), records written as workbooks (`records_files`), and the writer by suffix (`writers`)."""

"""What is read by people: verdict wording (`report`), the meeting packet (`packet`), the proposal
workbook (`proposal`), records written as workbooks (`records_files`), the writer by suffix (`writers`);
the council's văn bản (`papers`) as data (`vanban`) laid out in Word (`word`) or PDF (`pdf`), with numbers,
money and dates in the reader's conventions (`formatting`)."""

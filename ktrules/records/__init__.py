"""The records a council works from: the dataset model (`models`) and its workbook and CSV layout
(`sheets`, `workbook`)."""

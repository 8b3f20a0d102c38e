import FocalCommands

Focal.main()
